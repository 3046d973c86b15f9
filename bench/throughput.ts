/**
 * 2. Throughput: 3-step no-op workflows/s with 5,000 started at once (Promise.all of startWorkflow),
 * until every one has completed (counted with the `workflow:completed` hook, checked afterwards
 * with searchWorkflows), on durable SQLite (synchronous=FULL, a temporary file) and in memory.
 * Baseline, measured in the same run on the same disk with better-sqlite3 directly: single-row
 * commits/s and rows/s in 100-row transactions. Also counts the SQLite commits each workflow costs.
 *
 *   npx tsx bench/throughput.ts      (WFE_BENCH_WORKFLOWS, WFE_BENCH_SQLITE_CAP_S to change)
 */
import { installCommitCounter } from '../test/setup/sqlite-commit-counter.js';
import { benchHost, type Store } from './lib/hosts.js';
import { clock, fmt, median, msSince, tick } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';
import { measureRawSqlite, type RawSqlite } from './lib/sqlite-raw.js';
import { threeStep } from './lib/workflows.js';

const WORKFLOWS = Number(process.env.WFE_BENCH_WORKFLOWS ?? 5000);
const SQLITE_CAP_MS = Number(process.env.WFE_BENCH_SQLITE_CAP_S ?? 45) * 1000;
const MEMORY_CAP_MS = 20_000;
const MEMORY_REPEATS = Number(process.env.WFE_BENCH_REPEATS ?? 3);

interface Run {
  readonly started: number;
  readonly completed: number;
  readonly startMs: number;
  readonly totalMs: number;
  readonly perSecond: number;
  /** CPU time (user + system) of the process from the first start to the last completion. */
  readonly cpuMs: number;
  readonly verified: number;
  readonly commits?: number;
  readonly causes?: [string, number][];
}

async function runOnce(store: Store, n: number, capMs: number): Promise<Run> {
  const counter = store === 'sqlite' ? installCommitCounter() : undefined;
  const b = await benchHost(store, [threeStep]);
  try {
    // Warm up (JIT, statements) on a few, then count from zero.
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.host.startWorkflow('bench-3step', { data: { order: -i } })));
    await b.completedCount(20, 30_000);
    const before = b.completed();
    await tick();
    counter?.reset();
    const t0 = clock();
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: n }, (_, i) => b.host.startWorkflow('bench-3step', { data: { order: i } })));
    const startMs = msSince(t0);
    await b.completedCount(before + n, Math.max(0, capMs - startMs));
    const totalMs = msSince(t0);
    const cpu = process.cpuUsage(cpu0);
    const completed = b.completed() - before;
    const commits = counter?.total();
    const causes = counter?.byCause();
    // The index is written behind the log (batched): give it a moment to catch up before checking.
    const indexed = async () => (await b.host.searchWorkflows({ status: 'complete', definitionId: 'bench-3step', limit: n + 100 })).length - before;
    let verified = await indexed();
    for (const t = clock(); verified < completed && msSince(t) < 5000; verified = await indexed()) await new Promise((r) => setTimeout(r, 50));
    return {
      started: n,
      completed,
      startMs,
      totalMs,
      perSecond: completed / (totalMs / 1000),
      cpuMs: (cpu.user + cpu.system) / 1000,
      verified,
      ...(commits !== undefined ? { commits } : {}),
      ...(causes ? { causes } : {}),
    };
  } finally {
    await b.close();
  }
}

function describeRun(r: Run): string {
  const done = r.completed === r.started ? `all ${r.started}` : `ONLY ${r.completed} of ${r.started} (cap reached)`;
  return `${done} completed in ${(r.totalMs / 1000).toFixed(1)} s (cpu ${(r.cpuMs / 1000).toFixed(1)} s: ${fmt((r.cpuMs * 1000) / Math.max(1, r.completed))} µs per workflow); starting took ${(r.startMs / 1000).toFixed(1)} s; searchWorkflows finds ${r.verified} complete`;
}

async function main(report: Report): Promise<void> {
  const raw: RawSqlite = measureRawSqlite({ windowMs: 1000, windows: 3 });
  report.add({ name: 'baseline: raw SQLite single-row commits (WAL, synchronous=FULL)', value: raw.commitsPerSecond, unit: 'commits/s', note: `windows ${raw.samples.commits.map((x) => fmt(x)).join(', ')}` });
  report.add({
    name: 'baseline: raw SQLite rows in 100-row transactions',
    value: raw.rowsPerSecondIn100RowTx,
    unit: 'rows/s',
    ratio: raw.rowsPerSecondIn100RowTx / raw.commitsPerSecond,
    ratioNote: 'over single-row commits',
  });

  const sqlite = await runOnce('sqlite', WORKFLOWS, SQLITE_CAP_MS);
  report.note(`sqlite: ${describeRun(sqlite)}`);
  report.add({
    name: `SQLite (FULL) 3-step workflows, ${WORKFLOWS} started at once`,
    value: sqlite.perSecond,
    unit: 'workflows/s',
    baseline: { name: 'raw single-row commits', value: raw.commitsPerSecond, unit: 'commits/s' },
    ratio: sqlite.perSecond / raw.commitsPerSecond,
    target: '>= 5,000 workflows/s',
    met: sqlite.perSecond >= 5000 && sqlite.completed === WORKFLOWS,
    note: sqlite.completed === WORKFLOWS ? '1 run' : `capped at ${SQLITE_CAP_MS / 1000} s: ${sqlite.completed} of ${WORKFLOWS} done`,
  });
  const events = sqlite.perSecond * 11;
  report.add({
    name: 'SQLite events appended (11 per workflow)',
    value: events,
    unit: 'events/s',
    baseline: { name: 'raw rows in 100-row transactions', value: raw.rowsPerSecondIn100RowTx, unit: 'rows/s' },
    ratio: events / raw.rowsPerSecondIn100RowTx,
  });
  if (sqlite.commits !== undefined && sqlite.completed > 0) {
    const perWorkflow = sqlite.commits / sqlite.completed;
    report.add({
      name: 'SQLite commits per completed workflow',
      value: perWorkflow,
      unit: 'commits',
      note: `ceiling at the raw commit rate: ${fmt(raw.commitsPerSecond / perWorkflow)} workflows/s`,
    });
    report.note(`commits by cause: ${sqlite.causes!.slice(0, 8).map(([k, v]) => `${k} ${(v / sqlite.completed).toFixed(2)}/wf`).join('; ')}`);
  }

  const memory: Run[] = [];
  for (let r = 0; r < MEMORY_REPEATS; r++) {
    const run = await runOnce('memory', WORKFLOWS, MEMORY_CAP_MS);
    report.note(`memory run ${r + 1}: ${fmt(run.perSecond)} workflows/s; ${describeRun(run)}`);
    memory.push(run);
  }
  const mem = median(memory.map((m) => m.perSecond));
  report.add({
    name: `memory 3-step workflows, ${WORKFLOWS} started at once`,
    value: mem,
    unit: 'workflows/s',
    baseline: { name: 'raw single-row SQLite commits', value: raw.commitsPerSecond, unit: 'commits/s' },
    ratio: mem / raw.commitsPerSecond,
    note: `median of ${memory.length}; ${memory.every((m) => m.completed === WORKFLOWS) ? 'all completed' : 'SOME RUNS CAPPED'}`,
  });
  report.add({ name: 'SQLite over memory', value: sqlite.perSecond / mem, unit: 'x', note: 'the cost of durability in this engine' });
}

await runAsScript('throughput', main);
