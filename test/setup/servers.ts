/**
 * Start and stop real PostgreSQL and Redis/Valkey servers for integration tests: from the system
 * binaries, on 127.0.0.1 with a free port, data in a temporary folder, never the system services.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server started by these helpers. */
export interface RunningServer {
  /** URL for clients, with credentials. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stop the server (fast shutdown) and delete its folder. */
  stop(): Promise<void>;
}

/** A PostgreSQL server: `url` points at the `postgres` database as the superuser `wfe`. */
export interface RunningPostgres extends RunningServer {
  readonly user: string;
  readonly password: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  /** Immediate shutdown (SIGQUIT: no checkpoint, crash recovery on restart). `restart()` starts it again. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface PostgresServerOptions {
  /** Keep fsync and synchronous commit on (for benchmarks); off by default for fast tests. */
  readonly durable?: boolean;
  readonly log?: (line: string) => void;
}

const PG_USER = 'wfe';
const PG_PASSWORD = 'wfe-test-secret';

/** A free TCP port on 127.0.0.1 (ephemeral range, so never a server's default). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out ? out : undefined;
}

/**
 * The folder holding `initdb` and `postgres`: `$WFE_PG_BIN`, the newest `/usr/lib/postgresql/N/bin`
 * (Debian), `pg_config --bindir`, or wherever `initdb` is on the PATH. Undefined when none has both.
 */
export function findPostgresBinDir(): string | undefined {
  const ok = (dir: string | undefined): dir is string =>
    !!dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  const candidates: (string | undefined)[] = [process.env.WFE_PG_BIN];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  const pgConfig = which('pg_config');
  if (pgConfig) {
    const r = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8' });
    if (r.status === 0) candidates.push(r.stdout.trim());
  }
  const initdb = which('initdb');
  if (initdb) {
    const resolved = spawnSync('readlink', ['-f', initdb], { encoding: 'utf8' }).stdout.trim();
    candidates.push(join(resolved || initdb, '..'));
  }
  return candidates.find(ok);
}

/** `redis-server` or `valkey-server` on the PATH (or `$WFE_REDIS_SERVER`). */
export function findRedisServer(): string | undefined {
  const env = process.env.WFE_REDIS_SERVER;
  if (env && existsSync(env)) return env;
  return which('redis-server') ?? which('valkey-server');
}

/** PostgreSQL refuses to run as root: as root, run it as `postgres` (Debian's user) or `nobody`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const row = passwd.find((f) => f[0] === name);
    if (row) return { uid: Number(row[2]), gid: Number(row[3]) };
  }
  throw new Error('running as root, but neither a "postgres" nor a "nobody" user exists to run PostgreSQL');
}

function tail(text: string, lines = 20): string {
  return text.split('\n').slice(-lines).join('\n');
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it listened:\n${tail(output())}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`server did not listen on ${port} within ${timeoutMs} ms:\n${tail(output())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** The port accepts TCP before recovery ends: ask `pg_isready` until the server takes connections. */
async function waitForPostgresReady(bin: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const isReady = join(bin, 'pg_isready');
  if (!existsSync(isReady)) return;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = spawnSync(isReady, ['-q', '-h', '127.0.0.1', '-p', String(port)]);
    if (r.status === 0) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited during startup:\n${tail(output())}`);
    if (Date.now() > deadline) throw new Error(`postgres not ready within 30 s:\n${tail(output())}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/**
 * `initdb` a cluster in a temporary folder (superuser `wfe` with a password, scram over TCP) and run
 * `postgres` on 127.0.0.1 with a free port and its unix socket in that folder.
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<RunningPostgres> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries (initdb, postgres) not found');
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'wfe-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-instructions', '--no-sync'],
    { encoding: 'utf8', cwd: dir, ...asUser },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}):\n${tail(init.stdout + init.stderr)}`);
  }
  const port = await freePort();
  const settings = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${dir}`,
    '-c', 'max_connections=200',
    '-c', 'log_min_messages=warning',
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  let child: ChildProcess;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asUser,
    });
    const collect = (b: Buffer): void => {
      output = (output + b.toString()).slice(-20_000);
      options.log?.(b.toString());
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitForPort(port, child, () => output);
    await waitForPostgresReady(bin, port, child, () => output);
  };
  await launch();
  const enc = encodeURIComponent;
  const urlFor = (db: string): string => `postgres://${enc(PG_USER)}:${enc(PG_PASSWORD)}@127.0.0.1:${port}/${enc(db)}`;
  return {
    url: urlFor('postgres'),
    port,
    dir,
    user: PG_USER,
    password: PG_PASSWORD,
    urlFor,
    async kill() {
      await stopChild(child, 'SIGQUIT');
    },
    async restart() {
      await stopChild(child, 'SIGINT');
      await launch();
    },
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: roll back clients, checkpoint, exit.
      await stopChild(child, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis server that can also be stopped and started again on the same port and data. */
export interface RunningRedis extends RunningServer {
  /** SIGKILL: a crash (with `appendonly`, what was fsynced to the AOF survives). */
  kill(): Promise<void>;
  /** Start again (after `kill`, or stopping it first). */
  restart(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface RedisServerOptions {
  /** Keep an append-only file, fsynced on every write, so data survives a restart (default: no persistence). */
  readonly appendonly?: boolean;
  readonly log?: (line: string) => void;
}

/** Run `redis-server` (or `valkey-server`) on 127.0.0.1 with a free port; no persistence unless asked. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server / valkey-server not found');
  const dir = mkdtempSync(join(tmpdir(), 'wfe-redis-'));
  const port = await freePort();
  const persistence = options.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence, '--daemonize', 'no', '--protected-mode', 'yes'];
  let child: ChildProcess;
  let output = '';
  const launch = async (): Promise<void> => {
    child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (b: Buffer): void => {
      output = (output + b.toString()).slice(-20_000);
      options.log?.(b.toString());
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitForPort(port, child, () => output);
  };
  try {
    await launch();
  } catch (e) {
    await stopChild(child!, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async kill() {
      await stopChild(child, 'SIGKILL');
    },
    async restart() {
      await stopChild(child, 'SIGTERM');
      await launch();
    },
    async stop() {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
