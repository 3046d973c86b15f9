/**
 * One measurement of one engine, in a process of its own (fresh state): what every engine's
 * child script (`bench/peers/wfe.ts`, `bench/peers/engines/*.ts`) runs. The engine is given as an
 * {@link Engine}; the figure, its size and the PostgreSQL databases to count come as JSON in
 * argv[2]; the result is printed as one line `RESULT <json>` on stdout (the rest goes to stderr).
 *
 * - burst: 20 warm-up workflows, then N started at once (one `Promise.all` of starts), timed from
 *   the first start to the last completion; the process's CPU (user + system) over that time; the
 *   SQLite commits (wfe on SQLite); then, if the engine can measure it, the V8 heap held per
 *   in-flight workflow.
 * - lone: `warmup` workflows, then `runs` workflows one after another, each timed from its start
 *   to its completion; commits per workflow (wfe on SQLite); committed PostgreSQL transactions per
 *   workflow on the engine's databases, less what the engine commits when idle (measured over an
 *   idle window just before).
 */
import { clock, collectGarbage, median, msSince, percentile } from '../lib/measure.js';
import { xactCounter } from '../lib/pg-xacts.js';

/** An engine under test, running the 3-step no-op workflow. */
export interface Engine {
  /** Start one workflow; resolves once the engine has accepted the start (durable engines: recorded it). */
  start(i: number): Promise<void>;
  /** Workflows completed since the engine opened. */
  readonly completions: Completions;
  /** SQLite commits made by this process since the last reset (wfe on SQLite). */
  readonly commits?: { total(): number; reset(): void; byCause(): [string, number][] };
  /** V8 heap bytes held per started, not yet completed, workflow, with `n` of them (and a note on how). */
  inFlightBytes?(n: number): Promise<{ bytes: number; note: string }>;
  close(): Promise<void>;
}

export interface ChildConfig {
  readonly figure: 'burst' | 'lone';
  /** Burst: workflows started at once. */
  readonly n: number;
  /** Lone: timed runs and warm-up runs before them. */
  readonly runs: number;
  readonly warmup: number;
  /** The engine's PostgreSQL database(s), for engines on PostgreSQL. */
  readonly pg?: { readonly url: string; readonly adminUrl: string; readonly databases: readonly string[] };
}

export interface BurstResult {
  readonly figure: 'burst';
  readonly n: number;
  readonly completed: number;
  readonly totalMs: number;
  /** Until every start had resolved. */
  readonly startMs: number;
  readonly perSecond: number;
  readonly cpuUsPerWorkflow: number;
  readonly commitsPerWorkflow?: number;
  /** Commits per workflow by cause, e.g. "transaction (BEGIN ... COMMIT) 6.00; autocommit UPDATE queue 2.00". */
  readonly commitCauses?: string;
  readonly heapBytesPerInFlight?: number;
  readonly heapNote?: string;
}

export interface LoneResult {
  readonly figure: 'lone';
  readonly runs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly minMs: number;
  readonly commitsPerWorkflow?: number;
  readonly commitCauses?: string;
  /** Committed transactions per workflow, idle activity subtracted. */
  readonly xactsPerWorkflow?: number;
  /** The same before subtracting, and the idle rate subtracted (transactions/s). */
  readonly xactsPerWorkflowRaw?: number;
  readonly idleXactsPerSecond?: number;
}

export type ChildResult = BurstResult | LoneResult;

/** Counts completions and wakes whoever waits for a count. */
export class Completions {
  private n = 0;
  private waiters: { n: number; resolve: (ok: boolean) => void }[] = [];

  count(): number {
    return this.n;
  }

  /** One more workflow completed. */
  bump(): void {
    this.n++;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.n >= this.waiters[i]!.n) {
        this.waiters[i]!.resolve(true);
        this.waiters.splice(i, 1);
      }
    }
  }

  /** Resolves true once `n` have completed (counted from the start), false after `timeoutMs`. */
  reach(n: number, timeoutMs: number): Promise<boolean> {
    if (this.n >= n) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({
        n,
        resolve: (ok) => {
          clearTimeout(t);
          resolve(ok);
        },
      });
    });
  }
}

const CAP_MS = 300_000;
const BURST_WARMUP = 20;

const causes = (engine: Engine, workflows: number): { commitCauses?: string } =>
  engine.commits ? { commitCauses: engine.commits.byCause().map(([k, v]) => `${k} ${(v / workflows).toFixed(2)}`).join('; ') } : {};

async function burst(engine: Engine, cfg: ChildConfig): Promise<BurstResult> {
  await Promise.all(Array.from({ length: BURST_WARMUP }, (_, i) => engine.start(-1 - i)));
  if (!(await engine.completions.reach(BURST_WARMUP, 60_000))) throw new Error('the warm-up workflows did not complete within 60 s');
  collectGarbage();
  await new Promise((r) => setImmediate(r));
  engine.commits?.reset();
  const cpu0 = process.cpuUsage();
  const t0 = clock();
  await Promise.all(Array.from({ length: cfg.n }, (_, i) => engine.start(i)));
  const startMs = msSince(t0);
  await engine.completions.reach(BURST_WARMUP + cfg.n, CAP_MS);
  const totalMs = msSince(t0);
  const cpu = process.cpuUsage(cpu0);
  const completed = engine.completions.count() - BURST_WARMUP;
  if (completed < cfg.n) throw new Error(`only ${completed} of ${cfg.n} workflows completed within ${CAP_MS / 1000} s`);
  const commits = engine.commits?.total();
  const commitCauses = causes(engine, completed);
  const heap = engine.inFlightBytes ? await engine.inFlightBytes(cfg.n) : undefined;
  return {
    figure: 'burst',
    n: cfg.n,
    completed,
    totalMs,
    startMs,
    perSecond: completed / (totalMs / 1000),
    cpuUsPerWorkflow: (cpu.user + cpu.system) / completed,
    ...(commits !== undefined ? { commitsPerWorkflow: commits / completed } : {}),
    ...commitCauses,
    ...(heap ? { heapBytesPerInFlight: heap.bytes, heapNote: heap.note } : {}),
  };
}

async function lone(engine: Engine, cfg: ChildConfig): Promise<LoneResult> {
  let done = 0;
  const one = async (i: number): Promise<number> => {
    const t0 = clock();
    await engine.start(i);
    if (!(await engine.completions.reach(++done, 30_000))) throw new Error(`workflow ${i} did not complete within 30 s`);
    return msSince(t0);
  };
  for (let i = 0; i < cfg.warmup; i++) await one(-1 - i);
  const xacts = cfg.pg ? await xactCounter(cfg.pg.adminUrl, cfg.pg.databases) : undefined;
  try {
    // The engine's own idle activity over a window as long as the settling wait.
    const a = await xacts?.settled();
    const b = await xacts?.settled();
    engine.commits?.reset();
    const ms: number[] = [];
    for (let i = 0; i < cfg.runs; i++) ms.push(await one(i));
    const commits = engine.commits?.total();
    const commitCauses = causes(engine, cfg.runs);
    const c = await xacts?.settled();
    let pgFigures = {};
    if (a && b && c) {
      const idlePerMs = (b.commits - a.commits) / (b.at - a.at);
      const raw = c.commits - b.commits;
      pgFigures = {
        xactsPerWorkflow: (raw - idlePerMs * (c.at - b.at)) / cfg.runs,
        xactsPerWorkflowRaw: raw / cfg.runs,
        idleXactsPerSecond: idlePerMs * 1000,
      };
    }
    return {
      figure: 'lone',
      runs: cfg.runs,
      medianMs: median(ms),
      p99Ms: percentile(ms, 99),
      minMs: Math.min(...ms),
      ...(commits !== undefined ? { commitsPerWorkflow: commits / cfg.runs } : {}),
      ...commitCauses,
      ...pgFigures,
    };
  } finally {
    await xacts?.close();
  }
}

/** The child's main: open the engine, measure the figure asked for, print `RESULT <json>`, close, exit. */
export async function runChild(open: (cfg: ChildConfig) => Promise<Engine>): Promise<void> {
  let code = 0;
  try {
    const raw = process.argv[2];
    if (!raw) throw new Error('usage: <engine script> <json ChildConfig>');
    const cfg = JSON.parse(raw) as ChildConfig;
    const engine = await open(cfg);
    try {
      const result: ChildResult = cfg.figure === 'burst' ? await burst(engine, cfg) : await lone(engine, cfg);
      process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    } finally {
      await engine.close();
    }
  } catch (error) {
    console.error(error);
    code = 1;
  }
  process.exit(code);
}
