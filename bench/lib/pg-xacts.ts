/**
 * Committed transactions on given databases, from `pg_stat_database.xact_commit`, read over a
 * connection to *another* database (so that the reader's own transactions are not counted).
 *
 * Since PostgreSQL 15 a backend publishes its counters when it goes idle, but at most once a second
 * (PGSTAT_MIN_INTERVAL): counters of a backend that flushed less than a second earlier wait until it
 * has been idle for PGSTAT_IDLE_INTERVAL (10 s), or until it exits. `pg_stat_force_next_flush()`
 * only affects the calling backend, and nothing makes another backend flush. So a reading is only
 * complete once the counted backends have been idle for over 10 s: {@link XactCounter.settled}
 * waits 11 s by default. Whatever the engine does on its own while idle (polls, leases) is counted
 * too: measure it over an idle window and subtract it.
 */
import pg from 'pg';

export interface XactCounter {
  /** xact_commit summed over the databases, read now. */
  read(): Promise<number>;
  /** Wait `ms` (default 11,000: over the 10 s idle flush interval) and read. */
  settled(ms?: number): Promise<{ commits: number; at: number }>;
  close(): Promise<void>;
}

export async function xactCounter(adminUrl: string, databases: readonly string[]): Promise<XactCounter> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  const current = await c.query<{ db: string }>('SELECT current_database() AS db');
  if (databases.includes(current.rows[0]!.db)) throw new Error(`xactCounter: the reading connection must not be on a counted database (${current.rows[0]!.db})`);
  const read = async () => {
    const r = await c.query<{ n: string | null }>('SELECT sum(xact_commit)::text AS n FROM pg_stat_database WHERE datname = ANY($1)', [databases]);
    return Number(r.rows[0]?.n ?? 0);
  };
  return {
    read,
    async settled(ms = 11_000) {
      await new Promise((r) => setTimeout(r, ms));
      return { commits: await read(), at: performance.now() };
    },
    close: () => c.end(),
  };
}
