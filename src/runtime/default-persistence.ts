import type { Persistence } from '../ports/persistence.js';

/** The embedded default: SQLite, loaded only when used so that other stores need no native module. */
export async function openDefaultPersistence(path: string, clock: () => number): Promise<Persistence> {
  const modulePath = '../adapters/sqlite/index.js';
  const mod = (await import(modulePath)) as { createSqlitePersistence: (o: { path: string; clock: () => number }) => Persistence | Promise<Persistence> };
  return mod.createSqlitePersistence({ path, clock });
}

/** Close every port of a persistence once (ports that share a connection are closed once). */
export async function closePersistence(p: Persistence): Promise<void> {
  const closers = [p.wakeups, p.queue, p.lock, p.events, p.instances, p.projections, p.log];
  const seen = new Set<unknown>();
  for (const c of closers) {
    if (!c || seen.has(c)) continue;
    seen.add(c);
    await c.close().catch(() => undefined);
  }
}
