import type { PoolConfig } from 'pg';

/**
 * Where a connection goes, for messages: `user@host:port/database`, never the password. Works for
 * URLs (`postgres://u:p@h:5432/db`), key=value strings (`host=h user=u`) and pool options.
 */
export function describeTarget(config: PoolConfig): string {
  let { user, host, port, database } = config;
  const cs = config.connectionString;
  if (cs) {
    try {
      const url = new URL(cs);
      user ??= decodeURIComponent(url.username) || undefined;
      host ??= url.hostname || url.searchParams.get('host') || undefined;
      port ??= url.port ? Number(url.port) : undefined;
      database ??= decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined;
    } catch {
      const kv = Object.fromEntries(
        [...cs.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g)].map((m) => [m[1], (m[2] ?? '').replace(/^'|'$/g, '')]),
      );
      user ??= kv.user;
      host ??= kv.host;
      port ??= kv.port ? Number(kv.port) : undefined;
      database ??= kv.dbname;
    }
  }
  return `${user ? `${user}@` : ''}${host ?? 'localhost'}:${port ?? 5432}/${database ?? user ?? ''}`;
}

/** The password in a pool's options or connection string, to scrub it from driver messages. */
export function passwordOf(config: PoolConfig): string | undefined {
  if (typeof config.password === 'string' && config.password) return config.password;
  const cs = config.connectionString;
  if (!cs) return undefined;
  try {
    return decodeURIComponent(new URL(cs).password) || undefined;
  } catch {
    return /password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/.exec(cs)?.[1]?.replace(/^'|'$/g, '');
  }
}
