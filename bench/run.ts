/**
 * `npm run bench`: every benchmark, each in its own process (so that one's heap and JIT state do
 * not colour the next, and a stuck one can be stopped), then a summary table of every figure with
 * its baseline and ratio, also written to bench/results/latest.json.
 *
 *   npm run bench                  all
 *   npm run bench -- fold loops    some (fold, throughput, latency, loops, load, stall, projections, audit, yaml, ui, postgres-append, peers)
 *
 * `peers` (bench/peers/run.ts: wfe against workflow-es and DBOS) is not part of the default run: it
 * needs its own install (bench/peers/node_modules, made with `npm ci --prefix bench/peers` when
 * missing) and takes a while; name it to run it.
 *
 * Environment: WFE_BENCH_REPEATS (3), WFE_BENCH_FOLD_EVENTS (1,000,000), WFE_BENCH_WORKFLOWS (5,000),
 * WFE_BENCH_SQLITE_CAP_S (45), WFE_BENCH_LOOP_CAP_S (12), WFE_BENCH_LATENCY_RUNS (50),
 * WFE_BENCH_PG_URL (an existing PostgreSQL for postgres-append and peers), WFE_BENCH_SECONDS (postgres-append, 2 here),
 * RUNS (yaml, 10 here), WFE_BENCH_PEER_ROUNDS (5), WFE_BENCH_PEER_N (5,000), WFE_BENCH_PEER_RUNS (50).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBinDir } from '../test/setup/servers.js';
import { clock, fmt, msSince } from './lib/measure.js';
import type { Figure } from './lib/report.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Bench {
  readonly name: string;
  readonly file: string;
  /** Kill it after this long (s). */
  readonly timeoutS: number;
  /** Ours write figures as JSON; the others only print. */
  readonly figures: boolean;
  /** A reason not to run it here, if any. */
  readonly skip?: () => string | undefined;
  /** Only when named on the command line. */
  readonly onlyWhenNamed?: boolean;
  readonly env?: Record<string, string>;
  /** Extra node flags (before the script). */
  readonly nodeArgs?: readonly string[];
}

const BENCHES: Bench[] = [
  { name: 'fold', file: 'fold.ts', timeoutS: 180, figures: true },
  { name: 'throughput', file: 'throughput.ts', timeoutS: 180, figures: true },
  { name: 'latency', file: 'latency.ts', timeoutS: 120, figures: true },
  { name: 'loops', file: 'loops.ts', timeoutS: 400, figures: true },
  { name: 'load', file: 'load.ts', timeoutS: 120, figures: true },
  { name: 'stall', file: 'stall.ts', timeoutS: 900, figures: true, nodeArgs: ['--expose-gc'] },
  { name: 'projections', file: 'projections.ts', timeoutS: 900, figures: true },
  { name: 'audit', file: 'audit.ts', timeoutS: 300, figures: false },
  { name: 'yaml', file: 'yaml.ts', timeoutS: 120, figures: false, env: { RUNS: process.env.RUNS ?? '10' } },
  { name: 'ui', file: 'ui.ts', timeoutS: 1800, figures: true, skip: () => (existsSync(process.env.WFE_CHROMIUM ?? '/usr/bin/chromium') ? undefined : 'no Chromium (apt-get install -y chromium)') },
  {
    name: 'postgres-append',
    file: 'postgres-append.ts',
    timeoutS: 120,
    figures: false,
    env: { WFE_BENCH_SECONDS: process.env.WFE_BENCH_SECONDS ?? '2' },
    skip: () =>
      process.env.WFE_BENCH_PG_URL || findPostgresBinDir()
        ? undefined
        : 'needs a PostgreSQL server: set WFE_BENCH_PG_URL, or install PostgreSQL (initdb/postgres on the PATH or WFE_PG_BIN) for it to start its own',
  },
  // Rounds x engines x 2 figures, each a child process: 5 rounds at N=5,000 take several minutes.
  { name: 'peers', file: 'peers/run.ts', timeoutS: 3600, figures: true, onlyWhenNamed: true },
];

interface Outcome {
  readonly name: string;
  readonly status: 'ok' | 'failed' | 'skipped' | 'timed out';
  readonly detail?: string;
  readonly seconds: number;
  readonly figures: Figure[];
}

function runBench(b: Bench): Promise<Outcome> {
  const file = join(here, b.file);
  // Each benchmark's temporary files go in a folder of the runner's, removed when it exits, whatever it left there.
  const tmp = mkdtempSync(join(tmpdir(), `wfe-bench-run-${b.name}-`));
  chmodSync(tmp, 0o711); // others may pass through: a PostgreSQL started by a benchmark runs as another user
  const out = join(tmp, 'figures.json');
  const t0 = clock();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(b.nodeArgs ?? []), '--import', 'tsx', file], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ...b.env, TMPDIR: tmp, WFE_BENCH_OUT: out },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      process.stderr.write(d);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, b.timeoutS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let figures: Figure[] = [];
      if (b.figures && existsSync(out)) figures = (JSON.parse(readFileSync(out, 'utf8')) as { figures: Figure[] }).figures;
      rmSync(tmp, { recursive: true, force: true });
      const seconds = msSince(t0) / 1000;
      if (timedOut) resolve({ name: b.name, status: 'timed out', detail: `killed after ${b.timeoutS} s`, seconds, figures });
      else if (code !== 0) resolve({ name: b.name, status: 'failed', detail: err.trim().split('\n').slice(-2).join(' | ') || `exit ${code}`, seconds, figures });
      else resolve({ name: b.name, status: 'ok', seconds, figures });
    });
  });
}

function cell(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width);
}

function summary(outcomes: readonly Outcome[]): void {
  console.log('\n# Summary');
  const rows: string[][] = [['bench', 'figure', 'value', 'baseline', 'ratio', 'target']];
  for (const o of outcomes) {
    for (const f of o.figures) {
      rows.push([
        o.name,
        f.name,
        `${fmt(f.value)} ${f.unit}`,
        f.baseline ? `${fmt(f.baseline.value)} ${f.baseline.unit}` : '',
        f.ratio !== undefined ? f.ratio.toPrecision(3) : '',
        f.target ? `${f.met ? 'met' : 'MISSED'}: ${f.target}` : '',
      ]);
    }
    if (o.status !== 'ok' || o.figures.length === 0) rows.push([o.name, `${o.status}${o.detail ? `: ${o.detail}` : ''} (${o.seconds.toFixed(0)} s)`, '', '', '', '']);
  }
  const widths = [15, 78, 24, 30, 9, 30];
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => cell(c, widths[j]!)).join(' '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join(' '));
  }
  const targets = outcomes.flatMap((o) => o.figures).filter((f) => f.target);
  console.log(`\ntargets: ${targets.filter((f) => f.met).length} met, ${targets.filter((f) => !f.met).length} missed`);
  console.log(`time: ${outcomes.map((o) => `${o.name} ${o.seconds.toFixed(0)} s`).join(', ')}`);
}

/** The commit measured, and whether src/ differs from it. */
function revision(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: here, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD').stdout.trim();
  if (!head) return 'unknown revision';
  const dirty = git('status', '--porcelain', '--', '../src').stdout.trim() !== '';
  return `${head}${dirty ? ' + uncommitted changes in src/' : ''}`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES.filter((b) => !b.onlyWhenNamed);
  const rev = revision();
  console.log(`wfe benchmarks at ${rev}: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load avg ${loadavg()[0]!.toFixed(1)}, temp files in ${tmpdir()}`);
  const t0 = clock();
  const outcomes: Outcome[] = [];
  for (const b of selected) {
    if (!existsSync(join(here, b.file))) {
      outcomes.push({ name: b.name, status: 'skipped', detail: `bench/${b.file} does not exist`, seconds: 0, figures: [] });
      continue;
    }
    const reason = b.skip?.();
    if (reason) {
      console.log(`\n# ${b.name}: skipped: ${reason}`);
      outcomes.push({ name: b.name, status: 'skipped', detail: reason, seconds: 0, figures: [] });
      continue;
    }
    if (!b.figures) console.log(`\n# ${b.name} (bench/${b.file})`);
    outcomes.push(await runBench(b));
  }
  summary(outcomes);
  console.log(`total: ${(msSince(t0) / 1000).toFixed(0)} s`);
  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, 'latest.json'),
    `${JSON.stringify({ revision: rev, node: process.version, cores: cpus().length, loadAvg: loadavg()[0], at: new Date().toISOString(), outcomes }, null, 2)}\n`,
  );
  console.log(`figures written to bench/results/latest.json`);
  if (outcomes.some((o) => o.status === 'failed' || o.status === 'timed out')) process.exitCode = 1;
}

await main();
