/**
 * Appended events/s on PostgreSQL against the ceiling of the same server: a plain loop of
 * single-row INSERTs, each its own commit, from one `pg` connection.
 *
 *   npx tsx bench/postgres-append.ts            # starts a durable PostgreSQL of its own
 *   WFE_BENCH_PG_URL=postgres://… npx tsx bench/postgres-append.ts
 *
 * Durable means PostgreSQL's defaults: fsync on, synchronous_commit on.
 */
import pg from 'pg';
import type { WorkflowEvent } from '../src/domain/events.js';
import type { AppendRequest } from '../src/ports/event-log.js';
import { createPostgresPersistence } from '../src/adapters/postgres/index.js';
import { startPostgres, type RunningPostgres } from '../test/setup/servers.js';

const SECONDS = Number(process.env.WFE_BENCH_SECONDS ?? 5);

const event = (n: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: 1_704_067_200_000 + n, pointerId: n, attempt: 1 });

async function timed(label: string, unit: string, body: (deadline: number) => Promise<number>): Promise<number> {
  const start = performance.now();
  const count = await body(start + SECONDS * 1000);
  const rate = count / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(58)} ${rate.toFixed(0).padStart(8)} ${unit}/s  (${count} in ${((performance.now() - start) / 1000).toFixed(1)} s)`);
  return rate;
}

async function main(): Promise<void> {
  let server: RunningPostgres | undefined;
  const url = process.env.WFE_BENCH_PG_URL ?? (server = await startPostgres({ durable: true })).url;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const settings = await client.query(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')`);
  console.log(`PostgreSQL ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}; ${SECONDS} s per run`);
  await client.query('DROP TABLE IF EXISTS bench_rows');
  await client.query('CREATE TABLE bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, payload json NOT NULL, UNIQUE (stream_id, version))');

  let row = 0;
  const insertLoop = (clients: pg.Client[]) => async (deadline: number) => {
    let n = 0;
    await Promise.all(
      clients.map(async (c) => {
        while (performance.now() < deadline) {
          const i = row++;
          await c.query({ name: 'ins', text: 'INSERT INTO bench_rows (stream_id, version, payload) VALUES ($1, $2, $3)', values: [`s${i}`, 1, JSON.stringify(event(i))] });
          n++;
        }
      }),
    );
    return n;
  };
  const extra = await Promise.all([1, 2, 3].map(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const before = await timed('baseline: single-row INSERT per commit, one connection', 'rows', insertLoop([client]));
  await timed('  (same, 4 connections: PostgreSQL group commit)', 'rows', insertLoop([client, ...extra]));
  await Promise.all(extra.map((c) => c.end()));
  await client.end();

  const schema = `bench_${Date.now()}`;
  const p = await createPostgresPersistence({ connectionString: url, schema, poolConfig: { max: 8 } });
  let stream = 0;
  const batch = (requests: number, events: number): AppendRequest[] =>
    Array.from({ length: requests }, () => ({ streamId: `i${stream++}`, expectedVersion: 0, events: Array.from({ length: events }, (_, k) => event(k)) }));
  const run = (requests: number, events: number, callers: number) => async (deadline: number) => {
    let appended = 0;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (performance.now() < deadline) {
          const outs = await p.log.appendBatch(batch(requests, events));
          if (!outs.every((o) => o.ok)) throw new Error('unexpected conflict');
          appended += requests * events;
        }
      }),
    );
    return appended;
  };
  const results: [string, number][] = [];
  for (const [requests, events, callers] of [
    [1, 1, 1],
    [1, 3, 1],
    [50, 3, 1],
    [200, 3, 1],
    [50, 3, 4],
  ] as const) {
    const label = `appendBatch: ${requests} request(s) x ${events} event(s), ${callers} caller(s)`;
    results.push([label, await timed(label, 'events', run(requests, events, callers))]);
  }
  const c2 = new pg.Client({ connectionString: url });
  await c2.connect();
  const after = await timed('baseline again, after the appends', 'rows', insertLoop([c2]));
  await c2.end();
  const baseline = (before + after) / 2;
  console.log(`\nratio to the single-row-insert baseline (mean of before and after: ${baseline.toFixed(0)} rows/s):`);
  for (const [label, rate] of results) console.log(`  ${label.padEnd(56)} ${(rate / baseline).toFixed(2)}x`);
  await p.close();
  await server?.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
