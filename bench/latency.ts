/**
 * 3. Unloaded latency of one 3-step no-op workflow, from startWorkflow to waitForCompletion
 * resolving, run one after another (median and p99), on durable SQLite and in memory.
 * Baseline: the latency of one raw SQLite commit (better-sqlite3, WAL, synchronous=FULL) on the
 * same disk, measured in the same run.
 *
 *   npx tsx bench/latency.ts      (WFE_BENCH_LATENCY_RUNS=50)
 */
import { installCommitCounter } from '../test/setup/sqlite-commit-counter.js';
import { benchHost, type Store } from './lib/hosts.js';
import { clock, median, msSince, percentile } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';
import { measureRawSqlite } from './lib/sqlite-raw.js';
import { threeStep } from './lib/workflows.js';

const RUNS = Number(process.env.WFE_BENCH_LATENCY_RUNS ?? 50);
const WARMUP = 10;

/**
 * `gapMs` 0: each workflow starts as soon as the previous one's waitForCompletion resolves.
 * `gapMs` > 0: the host is left idle that long first (its loop asleep until the start wakes it).
 */
async function latencies(store: Store, gapMs: number): Promise<{ ms: number[]; commitsPerRun?: number; causes?: string }> {
  const counter = store === 'sqlite' ? installCommitCounter() : undefined;
  const b = await benchHost(store, [threeStep]);
  try {
    const ms: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      if (i === WARMUP) counter?.reset();
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      const t0 = clock();
      const id = await b.host.startWorkflow('bench-3step', { data: { order: i } });
      const state = await b.host.waitForCompletion(id, { timeoutMs: 10_000 });
      const t = msSince(t0);
      if (state.status !== 'complete') throw new Error(`workflow ended ${state.status}`);
      if (i >= WARMUP) ms.push(t);
    }
    const commits = counter?.total();
    const causes = counter?.byCause().map(([k, v]) => `${k} ${(v / RUNS).toFixed(1)}`).join('; ');
    return { ms, ...(commits !== undefined ? { commitsPerRun: commits / RUNS } : {}), ...(causes ? { causes } : {}) };
  } finally {
    await b.close();
  }
}

async function main(report: Report): Promise<void> {
  const raw = measureRawSqlite({ windowMs: 500, windows: 2 });
  report.add({ name: 'baseline: one raw SQLite commit (WAL, FULL), median', value: raw.commitLatencyMedianMs, unit: 'ms', note: `p99 ${raw.commitLatencyP99Ms.toFixed(2)} ms` });
  for (const [store, gapMs] of [['sqlite', 0], ['sqlite', 50], ['memory', 0], ['memory', 50]] as const) {
    const r = await latencies(store, gapMs);
    const med = median(r.ms);
    const p99 = percentile(r.ms, 99);
    const label = `${store === 'sqlite' ? 'SQLite (FULL)' : 'memory'}, ${gapMs === 0 ? 'back to back' : `${gapMs} ms idle before each`}`;
    report.add({
      name: `${label}: one 3-step workflow start to completion, median`,
      value: med,
      unit: 'ms',
      baseline: { name: 'one raw commit', value: raw.commitLatencyMedianMs, unit: 'ms' },
      ratio: med / raw.commitLatencyMedianMs,
      target: '<= 3 ms',
      met: med <= 3,
      note: `p99 ${p99.toFixed(2)} ms, min ${Math.min(...r.ms).toFixed(2)} ms, ${RUNS} runs${r.commitsPerRun !== undefined ? `, ${r.commitsPerRun.toFixed(1)} commits per workflow` : ''}`,
    });
    report.add({
      name: `${label}: p99`,
      value: p99,
      unit: 'ms',
      baseline: { name: 'one raw commit p99', value: raw.commitLatencyP99Ms, unit: 'ms' },
      ratio: p99 / raw.commitLatencyP99Ms,
    });
    if (r.causes) report.note(`${label}: commits per workflow by cause: ${r.causes}`);
  }
}

await runAsScript('latency', main);
