/**
 * The PostgreSQL server's own ceiling for single-row commits: one `pg` connection, a loop of
 * single-row INSERTs, each its own transaction (autocommit), into a fresh table of the database
 * given. Rate and median round trip.
 */
import pg from 'pg';
import { median } from './measure.js';

export interface RawPostgres {
  /** Single-row INSERT commits per second, one connection. */
  readonly commitsPerSecond: number;
  /** Median round trip of one INSERT + commit, ms. */
  readonly commitLatencyMedianMs: number;
  readonly commits: number;
}

export async function measureRawPostgres(url: string, options: { seconds?: number; warmup?: number } = {}): Promise<RawPostgres> {
  const seconds = options.seconds ?? 1;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const table = `raw_commits_${process.pid}_${Date.now()}`;
    await c.query(`CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, body json NOT NULL)`);
    const body = JSON.stringify({ type: 'StepCompleted', pointerId: 1, v: 1, at: 1_704_067_200_000 });
    const insert = (i: number) => c.query({ name: 'raw-insert', text: `INSERT INTO ${table} (stream_id, version, body) VALUES ($1, 1, $2)`, values: [`s${i}`, body] });
    let i = 0;
    for (; i < (options.warmup ?? 20); i++) await insert(i);
    const samples: number[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const t = performance.now();
      await insert(i++);
      samples.push(performance.now() - t);
    }
    const elapsed = (performance.now() - t0) / 1000;
    await c.query(`DROP TABLE ${table}`);
    return { commitsPerSecond: samples.length / elapsed, commitLatencyMedianMs: median(samples), commits: samples.length };
  } finally {
    await c.end();
  }
}
