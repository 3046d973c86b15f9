/**
 * The event loop under a burst: 10,000 3-step no-op workflows started at once (Promise.all of
 * startWorkflow) on durable SQLite, while a 5 ms interval timer records how late each of its ticks
 * is. The figure is the longest stall (a tick's lateness: how long the loop could not run a
 * timer), with the 99th percentile and the garbage collector's longest pause in the same window.
 * Baseline, same run: the longest stall of the same probe over an idle host for as long.
 * Also the heap per in-flight workflow: heap after GC with N workflows held at their first step,
 * over N. Rounds: WFE_BENCH_REPEATS (3); N: WFE_BENCH_STALL_WORKFLOWS (10,000).
 *
 *   npx tsx --expose-gc bench/stall.ts      (npm run bench -- stall)
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { workflow } from '../src/domain/builder.js';
import { benchHost } from './lib/hosts.js';
import { fmt, median, percentile } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';
import { threeStep } from './lib/workflows.js';

const N = Number(process.env.WFE_BENCH_STALL_WORKFLOWS ?? 10_000);
const ROUNDS = Number(process.env.WFE_BENCH_REPEATS ?? 3);
const TICK_MS = 5;

/** Lateness of each tick of a TICK_MS interval while `during` runs, and the longest GC pause then. */
async function probe<T>(during: () => Promise<T>): Promise<{ lateness: number[]; gcMax: number; ms: number; value: T }> {
  const lateness: number[] = [];
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lateness.push(Math.max(0, now - last - TICK_MS));
    last = now;
  }, TICK_MS);
  const t0 = performance.now();
  try {
    const value = await during();
    return { lateness, gcMax, ms: performance.now() - t0, value };
  } finally {
    clearInterval(timer);
    gc.disconnect();
  }
}

async function burstRound(): Promise<{ maxStall: number; p99: number; gcMax: number; idleMax: number; perSecond: number }> {
  const b = await benchHost('sqlite', [threeStep]);
  try {
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.host.startWorkflow('bench-3step', { data: { order: -i } })));
    await b.completedCount(20, 30_000);
    const before = b.completed();
    const burst = await probe(async () => {
      await Promise.all(Array.from({ length: N }, (_, i) => b.host.startWorkflow('bench-3step', { data: { order: i } })));
      if (!(await b.completedCount(before + N, 300_000))) throw new Error(`only ${b.completed() - before} of ${N} completed`);
    });
    const idle = await probe(() => new Promise<void>((r) => setTimeout(r, Math.min(burst.ms, 5000))));
    return {
      maxStall: Math.max(...burst.lateness),
      p99: percentile(burst.lateness, 99),
      gcMax: burst.gcMax,
      idleMax: Math.max(...idle.lateness),
      perSecond: N / (burst.ms / 1000),
    };
  } finally {
    await b.close();
  }
}

/** Heap per in-flight workflow: N held at their first step (a gate), heap after GC, over N. */
async function heapPerInFlight(): Promise<number> {
  const gcNow = (globalThis as { gc?: () => void }).gc;
  if (!gcNow) return Number.NaN;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const held = workflow<{ order: number }>('bench-held')
    .startWith(async () => {
      await gate;
    }, 'held')
    .then(() => undefined, 'two')
    .build();
  const b = await benchHost('sqlite', [held], { maxConcurrentWorkflows: N });
  try {
    gcNow();
    const base = process.memoryUsage().heapUsed;
    await Promise.all(Array.from({ length: N }, (_, i) => b.host.startWorkflow('bench-held', { data: { order: i } })));
    // Every instance's first pass is running (waiting on the gate) once all slots are in use.
    for (let i = 0; i < 600 && (await b.host.searchWorkflows({ status: 'runnable', limit: N + 1 })).length < N; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    gcNow();
    const perWorkflow = (process.memoryUsage().heapUsed - base) / N;
    open();
    await b.completedCount(N, 300_000);
    return perWorkflow;
  } finally {
    open();
    await b.close();
  }
}

async function main(report: Report): Promise<void> {
  const rounds: Awaited<ReturnType<typeof burstRound>>[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await burstRound());
  const stalls = rounds.map((r) => r.maxStall);
  const idle = rounds.map((r) => r.idleMax);
  const range = (xs: number[]) => `min ${fmt(Math.min(...xs))}, median ${fmt(median(xs))}, max ${fmt(Math.max(...xs))}`;
  report.add({
    name: `SQLite (FULL): longest event-loop stall while ${N} workflows started at once run to completion`,
    value: median(stalls),
    unit: 'ms',
    baseline: { name: 'longest stall of the same probe on the idle host', value: median(idle), unit: 'ms' },
    ratio: median(stalls) / Math.max(median(idle), 0.001),
    target: '< 50 ms',
    met: Math.max(...stalls) < 50,
    note: `over ${ROUNDS} rounds: ${range(stalls)}; p99 of ticks ${range(rounds.map((r) => r.p99))}; longest GC pause ${range(rounds.map((r) => r.gcMax))} ms; idle ${range(idle)}; ${range(rounds.map((r) => r.perSecond))} workflows/s`,
  });
  const heap = await heapPerInFlight();
  report.add({
    name: `SQLite: heap per in-flight workflow (${N} held at their first step)`,
    value: heap,
    unit: 'bytes',
    note: Number.isNaN(heap) ? 'run with --expose-gc' : 'heap after GC, including the loader cache and the waiting step contexts',
  });
}

await runAsScript('stall', main);
