/**
 * The read side: a log of N instances (default 100,000; 3-step orders, a fifth of them suspended by
 * a failed step) written straight to the store with `appendBatch` (events decided by the engine
 * for one instance, repeated with other ids and data), then, on SQLite and on PostgreSQL when there is one:
 *   - raw `readAll` of the whole log in pages of 1,000 (the baseline),
 *   - catch-up of the instance index from zero (the `instances` projection into the store's index),
 *     ratio to the raw read (aim: at least 0.5),
 *   - `rebuild` of the index through the projection admin after its rows were deleted (s),
 *   - search latency, median and p95 over 50 queries each: a filter (status + definition), a text
 *     query, a data-field range.
 *
 *   npx tsx bench/projections.ts     (WFE_BENCH_INSTANCES to change N; WFE_BENCH_PG_URL for PostgreSQL)
 */
import { createSqlitePersistence } from '../src/adapters/sqlite/index.js';
import { createPostgresPersistence } from '../src/adapters/postgres/index.js';
import type { WorkflowEvent } from '../src/domain/events.js';
import type { Persistence } from '../src/ports/persistence.js';
import type { SearchQuery } from '../src/ports/instance-index.js';
import { builtInProjections } from '../src/projections/catalog.js';
import { createProjectionAdmin } from '../src/projections/admin.js';
import { catchUp } from '../src/projections/runner.js';
import { definitionHash } from '../src/runtime/definition-registry.js';
import { startPostgres, type RunningServer } from '../test/setup/servers.js';
import { createTestHost } from '../src/testing/test-host.js';
import { clock, median, msSince, percentile } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';
import { removeTempDir, tempDir } from './lib/temp.js';
import { workflow } from '../src/domain/builder.js';

const N = Number(process.env.WFE_BENCH_INSTANCES ?? 100_000);

type Order = { customer: { name: string; tier: string }; total: number; fail: boolean };
const order = workflow<Order>('bench-order', 1)
  .startWith((ctx) => { if (ctx.data.fail) throw new Error('card declined'); }, 'charge card')
  .onError('suspend')
  .then(() => {}, 'pack')
  .then(() => {}, 'ship')
  .build();

const NAMES = ['ada', 'grace', 'linus', 'barbara', 'ken', 'dennis', 'margaret', 'edsger'];

/** Commits of one instance (ok or failed) with its id and data replaced. */
function instanceOf(template: WorkflowEvent[][], id: string, i: number): WorkflowEvent[][] {
  const data: Order = { customer: { name: `${NAMES[i % NAMES.length]} ${i}`, tier: i % 3 === 0 ? 'gold' : 'silver' }, total: (i * 37) % 1000, fail: i % 5 === 0 };
  return template.map((batch) => batch.map((e) => (e.type === 'WorkflowStarted' ? { ...e, instanceId: id, data, definitionHash: definitionHash(order.definition) } : e)));
}

/** One instance's commits, run on a memory host until idle (complete, or suspended by the failed charge). */
async function record(data: Order): Promise<WorkflowEvent[][]> {
  const t = await createTestHost([order], { asyncProjections: false });
  const commits: WorkflowEvent[][] = [];
  t.host.on('events:appended', ({ events }) => commits.push([...events]));
  try {
    await t.run('bench-order', { data });
    return commits;
  } finally {
    await t.stop();
  }
}

async function fill(p: Persistence, report: Report): Promise<number> {
  const ok = await record({ customer: { name: 'x', tier: 'gold' }, total: 1, fail: false });
  const failed = await record({ customer: { name: 'x', tier: 'gold' }, total: 1, fail: true });
  await p.definitions.save({ id: order.definition.id, version: 1, hash: definitionHash(order.definition), definition: order.definition as never, registeredAt: 0 });
  const t0 = clock();
  let events = 0;
  const BATCH = 500;
  for (let from = 0; from < N; from += BATCH) {
    const requests = [];
    for (let i = from; i < Math.min(N, from + BATCH); i++) {
      const commits = instanceOf(i % 5 === 0 ? failed : ok, `order-${String(i).padStart(7, '0')}`, i);
      requests.push({ streamId: `order-${String(i).padStart(7, '0')}`, expectedVersion: 0, events: commits.flat(), meta: { actor: 'bench' } });
      events += commits.flat().length;
    }
    await p.log.appendBatch(requests);
  }
  report.note(`wrote ${N} instances, ${events} events in ${(msSince(t0) / 1000).toFixed(1)} s`);
  return events;
}

async function measure(label: string, p: Persistence, report: Report): Promise<void> {
  const events = await fill(p, report);
  const now = () => Date.now();
  // Baseline: the raw log read.
  let t0 = clock();
  let read = 0;
  for (let after = undefined as Awaited<ReturnType<typeof p.log.headPosition>>; ; ) {
    const page = await p.log.readAll(after, 1000);
    read += page.length;
    if (page.length < 1000) break;
    after = page[page.length - 1]!.position;
  }
  const rawRate = read / (msSince(t0) / 1000);
  report.add({ name: `${label}: raw readAll of ${read} events`, value: rawRate, unit: 'events/s' });
  const lookup = (id: string, v: number) => (id === order.definition.id && v === 1 ? order.definition : undefined);
  const [instances] = builtInProjections(p, lookup);
  t0 = clock();
  const r = await catchUp({ projection: instances!.projection, sink: instances!.sink('instances~bench'), log: p.log, now, pageSize: 1000 });
  const catchUpRate = r.events / (msSince(t0) / 1000);
  report.add({
    name: `${label}: catch-up of the instance index from zero`,
    value: catchUpRate,
    unit: 'events/s',
    baseline: { name: 'raw readAll', value: rawRate, unit: 'events/s' },
    ratio: catchUpRate / rawRate,
    target: '>= 0.5 of raw readAll',
    met: catchUpRate / rawRate >= 0.5,
  });
  if (events !== r.events) report.note(`caught up ${r.events} of ${events} events`);
  // Rebuild after every row was deleted.
  const admin = await createProjectionAdmin(p, { lookup, now });
  for (;;) {
    const rows = await p.instances.list(undefined, 5000);
    if (!rows.length) break;
    await p.instances.remove(rows.map((x) => x.instanceId));
  }
  t0 = clock();
  const rebuilt = await admin.rebuild('instances');
  report.add({ name: `${label}: rebuild of the index, ${N} instances (${rebuilt.repaired} rows written)`, value: msSince(t0) / 1000, unit: 's' });
  // Search latency.
  const queries: [string, (i: number) => SearchQuery][] = [
    ['filter (status + definition)', () => ({ status: 'suspended', definitionId: 'bench-order', limit: 50 })],
    ['text', (i) => {
      const j = (i * 7919) % N;
      return { text: `${NAMES[j % NAMES.length]} ${j}`, limit: 50 };
    }],
    ['data-field range', (i) => ({ where: [{ field: 'total', op: 'gte', value: (i * 13) % 900 }, { field: 'total', op: 'lt', value: ((i * 13) % 900) + 20 }], limit: 50 })],
  ];
  for (const [name, q] of queries) {
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < 50; i++) {
      const t = clock();
      found += (await p.instances.search(q(i))).items.length;
      times.push(msSince(t));
    }
    report.add({ name: `${label}: search, ${name}, median over 50 (p95 ${percentile(times, 95).toFixed(1)} ms, ${(found / 50).toFixed(0)} hits/query)`, value: median(times), unit: 'ms' });
  }
}

await runAsScript('projections', async (report) => {
  const dir = tempDir('projections');
  try {
    const sqlite = createSqlitePersistence({ path: `${dir}/wfe.db` });
    try {
      await measure('SQLite', sqlite, report);
    } finally {
      await sqlite.close();
    }
    let server: RunningServer | undefined;
    const url = process.env.WFE_BENCH_PG_URL ?? (await startPostgres().then((s) => ((server = s), s.url)).catch(() => undefined));
    if (!url) {
      report.note('PostgreSQL: skipped (no server: set WFE_BENCH_PG_URL or install PostgreSQL)');
      return;
    }
    try {
      const pg = await createPostgresPersistence({ connectionString: url, schema: `bench_${Date.now()}` });
      try {
        await measure('PostgreSQL', pg, report);
      } finally {
        await pg.close();
      }
    } finally {
      await server?.stop();
    }
  } finally {
    removeTempDir(dir);
  }
});
