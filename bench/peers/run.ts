/**
 * wfe against two peer engines on the same machine, the same PostgreSQL server and the same
 * workload (a 3-step workflow whose steps do nothing), with the ratios the issue sets targets for.
 *
 *   npm run bench -- peers        (or: npx tsx bench/peers/run.ts)
 *
 * Engines: wfe on SQLite (synchronous=FULL, its default), wfe on PostgreSQL (one host),
 * workflow-es 2.3.5 (in memory, non-durable; see engines/workflow-es.ts), DBOS Transact (on
 * PostgreSQL; see engines/dbos.ts). The peers are installed in bench/peers/node_modules from
 * bench/peers/package-lock.json (`npm ci --prefix bench/peers`, done here when missing).
 *
 * Every figure is measured in a child process of its own per engine per round (fresh state: a new
 * SQLite file, a new PostgreSQL database), and the rounds are interleaved (round 1: every engine,
 * round 2: every engine, ...; the order of the engines rotates from round to round). Each figure
 * is reported as min / median / max over the rounds, with the 1-minute load average at each round;
 * ratios are of the medians. Figures:
 *
 * 1. burst: N workflows started at once, time to the last completion: workflows/s; wfe's CPU
 *    (user + system of its process) per workflow, and V8 heap per in-flight workflow.
 * 2. lone: one workflow at a time, start to completion, median over RUNS after 10 warm-up runs;
 *    SQLite commits per workflow (wfe SQLite), committed PostgreSQL transactions per workflow on
 *    the engine's database (wfe PostgreSQL, DBOS; see bench/lib/pg-xacts.ts).
 * 3. baselines, each round: raw SQLite single-row commits (better-sqlite3, WAL, synchronous=FULL,
 *    the same temporary folder as wfe's files) and raw PostgreSQL single-row INSERT commits (one
 *    connection): rate and median latency.
 *
 * PostgreSQL: started for the run as the tests start it (test/setup/servers.ts: loopback, free
 * port, temporary folder, durable settings: fsync and synchronous_commit on) and stopped at the
 * end, or WFE_BENCH_PG_URL (a superuser or a role that may CREATE DATABASE: each child gets its own
 * database, dropped afterwards). Without either, the PostgreSQL engines are skipped.
 *
 * Environment: WFE_BENCH_PEER_ROUNDS (5; at least 3 for a measurement), WFE_BENCH_PEER_N (5,000),
 * WFE_BENCH_PEER_RUNS (50, lone runs), WFE_BENCH_PEER_ENGINES (all: wfe-sqlite,wfe-postgres,workflow-es,dbos),
 * WFE_BENCH_PG_URL. Results: bench/results/peers.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { findPostgresBinDir, startPostgres, type RunningPostgres } from '../../test/setup/servers.js';
import { fmt, median } from '../lib/measure.js';
import { measureRawPostgres, type RawPostgres } from '../lib/pg-raw.js';
import { runAsScript, type Report } from '../lib/report.js';
import { measureRawSqlite, type RawSqlite } from '../lib/sqlite-raw.js';
import type { BurstResult, ChildConfig, ChildResult, LoneResult } from './child.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const ROUNDS = Number(process.env.WFE_BENCH_PEER_ROUNDS ?? 5);
const N = Number(process.env.WFE_BENCH_PEER_N ?? 5000);
const RUNS = Number(process.env.WFE_BENCH_PEER_RUNS ?? 50);
const WARMUP = 10;
const CHILD_TIMEOUT_MS = 600_000;

for (const [name, v] of [['WFE_BENCH_PEER_ROUNDS', ROUNDS], ['WFE_BENCH_PEER_N', N], ['WFE_BENCH_PEER_RUNS', RUNS]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, not ${String(process.env[name])}`);
}

type EngineId = 'wfe-sqlite' | 'wfe-postgres' | 'workflow-es' | 'dbos';

interface EngineSpec {
  readonly id: EngineId;
  readonly label: string;
  /** Script under bench/peers, and its arguments after the config. */
  readonly script: string;
  readonly args: readonly string[];
  readonly postgres: boolean;
}

const ENGINES: readonly EngineSpec[] = [
  { id: 'wfe-sqlite', label: 'wfe SQLite (FULL)', script: 'wfe.ts', args: ['sqlite'], postgres: false },
  { id: 'wfe-postgres', label: 'wfe PostgreSQL (1 host)', script: 'wfe.ts', args: ['postgres'], postgres: true },
  { id: 'workflow-es', label: 'workflow-es (memory)', script: 'engines/workflow-es.ts', args: [], postgres: false },
  { id: 'dbos', label: 'DBOS (PostgreSQL)', script: 'engines/dbos.ts', args: [], postgres: true },
];

const PEER_PACKAGES = ['workflow-es', '@dbos-inc/dbos-sdk'] as const;

function installedVersion(pkg: string): string | undefined {
  const file = join(here, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

/** The peers live in bench/peers/node_modules, outside wfe's install: install them from the lock file when missing. */
function ensurePeersInstalled(report: Report): void {
  if (PEER_PACKAGES.every((p) => installedVersion(p))) return;
  report.note('installing the peer engines: npm ci --prefix bench/peers');
  const r = spawnSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0 || !PEER_PACKAGES.every((p) => installedVersion(p))) {
    throw new Error(`could not install the peer engines (npm ci exited ${r.status ?? r.signal}); run "npm ci --prefix bench/peers" from the repository root and try again`);
  }
}

/** Run one engine's child for one figure; its `RESULT` line. */
function runChild(engine: EngineSpec, cfg: ChildConfig): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, engine.script), JSON.stringify(cfg), ...engine.args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as ChildResult);
      else reject(new Error(`${engine.label} ${cfg.figure}: child ${signal ? `killed (${signal})` : `exited ${code}`}: ${err.trim().split('\n').slice(-6).join(' | ') || out.trim().slice(-400)}`));
    });
  });
}

interface Round {
  readonly round: number;
  readonly loadAvg: number;
  readonly order: EngineId[];
  readonly rawSqlite: Pick<RawSqlite, 'commitsPerSecond' | 'commitLatencyMedianMs'>;
  readonly rawPostgres?: RawPostgres;
  readonly burst: Partial<Record<EngineId, BurstResult>>;
  readonly lone: Partial<Record<EngineId, LoneResult>>;
  /** Children that failed (the run goes on without their figure). */
  readonly failures: string[];
}

interface Stat {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly samples: number[];
}

const stat = (xs: number[]): Stat => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs), samples: xs });
const showStat = (s: Stat): string => `${fmt(s.median)} (min ${fmt(s.min)}, max ${fmt(s.max)})`;

async function main(report: Report): Promise<void> {
  ensurePeersInstalled(report);
  const pgGiven = process.env.WFE_BENCH_PG_URL;
  const wanted = (process.env.WFE_BENCH_PEER_ENGINES ?? ENGINES.map((e) => e.id).join(',')).split(',').map((s) => s.trim());
  const unknown = wanted.filter((w) => !ENGINES.some((e) => e.id === w));
  if (unknown.length > 0) throw new Error(`WFE_BENCH_PEER_ENGINES: unknown engine(s) ${unknown.join(', ')}; known: ${ENGINES.map((e) => e.id).join(', ')}`);
  const havePg = !!pgGiven || !!findPostgresBinDir();
  if (!havePg) report.note('PostgreSQL engines SKIPPED: no PostgreSQL (install the postgresql package, set WFE_PG_BIN, or give WFE_BENCH_PG_URL)');
  const engines = ENGINES.filter((e) => wanted.includes(e.id) && (havePg || !e.postgres));
  const needPg = engines.some((e) => e.postgres);
  if (ROUNDS < 3) report.note(`${ROUNDS} round(s): fewer than 3, a smoke run, not a measurement`);

  let server: RunningPostgres | undefined;
  let admin: pg.Client | undefined;
  try {
    const adminUrl = needPg ? (pgGiven ?? (server = await startPostgres({ durable: true })).url) : undefined;
    let pgVersion = '';
    if (adminUrl) {
      admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      const s = await admin.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit') ORDER BY name`);
      pgVersion = s.rows.map((r) => `${r.name}=${r.setting}`).join(' ');
    }
    const versions = { 'workflow-es': installedVersion('workflow-es'), '@dbos-inc/dbos-sdk': installedVersion('@dbos-inc/dbos-sdk'), postgres: pgVersion || undefined };
    report.note(`engines: ${engines.map((e) => e.label).join(', ')}; workflow-es ${versions['workflow-es']}, DBOS ${versions['@dbos-inc/dbos-sdk']}${pgVersion ? `; PostgreSQL ${pgVersion}` : ''}`);
    report.note(`${ROUNDS} round(s), burst N=${N}, lone ${RUNS} runs after ${WARMUP} warm-up; ${cpus().length} cores; node ${process.version}`);

    let databases = 0;
    /** A new database for one child, and the config pointing at it. */
    const withDatabase = async <T>(label: string, body: (pgCfg: ChildConfig['pg']) => Promise<T>): Promise<T> => {
      if (!admin || !adminUrl) return body(undefined);
      const name = `peers_${process.pid}_${++databases}_${label.replace(/[^a-z0-9]/g, '_')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      try {
        return await body({ url: u.toString(), adminUrl, databases: [name] });
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    };

    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const order = engines.map((_, i) => engines[(i + r - 1) % engines.length]!);
      const loadAvg = loadavg()[0]!;
      console.log(`\n## round ${r}/${ROUNDS} (load avg ${loadAvg.toFixed(2)}; order ${order.map((e) => e.id).join(', ')})`);
      const sqliteRaw = measureRawSqlite({ windowMs: 500, windows: 2 });
      const rawSqlite = { commitsPerSecond: sqliteRaw.commitsPerSecond, commitLatencyMedianMs: sqliteRaw.commitLatencyMedianMs };
      const rawPostgres = adminUrl ? await withDatabase('raw', (c) => measureRawPostgres(c!.url, { seconds: 1 })) : undefined;
      console.log(`  raw SQLite: ${fmt(rawSqlite.commitsPerSecond)} commits/s, ${rawSqlite.commitLatencyMedianMs.toFixed(3)} ms` + (rawPostgres ? `; raw PostgreSQL: ${fmt(rawPostgres.commitsPerSecond)} commits/s, ${rawPostgres.commitLatencyMedianMs.toFixed(3)} ms` : ''));
      const round: Round = { round: r, loadAvg, order: order.map((e) => e.id), rawSqlite, ...(rawPostgres ? { rawPostgres } : {}), burst: {}, lone: {}, failures: [] };
      /** One child's result, or undefined (and a failure recorded) when it failed: one engine's failure does not end the run. */
      const measure = async (e: EngineSpec, figure: ChildConfig['figure']): Promise<ChildResult | undefined> => {
        try {
          return await withDatabase(`${e.id}_${figure}`, (c) => runChild(e, { figure, n: N, runs: RUNS, warmup: WARMUP, ...(e.postgres && c ? { pg: c } : {}) }));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          round.failures.push(message);
          console.log(`  FAILED ${message}`);
          return undefined;
        }
      };
      for (const e of order) {
        const res = await measure(e, 'burst');
        if (res?.figure !== 'burst') continue;
        round.burst[e.id] = res;
        const extra = [
          `cpu ${fmt(res.cpuUsPerWorkflow)} µs/wf`,
          res.commitsPerWorkflow !== undefined ? `${res.commitsPerWorkflow.toFixed(2)} commits/wf: ${res.commitCauses}` : '',
          res.heapBytesPerInFlight !== undefined ? `heap ${fmt(res.heapBytesPerInFlight)} B per in-flight wf` : '',
        ].filter(Boolean);
        console.log(`  burst ${e.label}: ${fmt(res.perSecond)} workflows/s (${(res.totalMs / 1000).toFixed(2)} s; ${extra.join(', ')})`);
      }
      for (const e of order) {
        const res = await measure(e, 'lone');
        if (res?.figure !== 'lone') continue;
        round.lone[e.id] = res;
        const extra = [
          `p99 ${res.p99Ms.toFixed(2)} ms`,
          res.commitsPerWorkflow !== undefined ? `${res.commitsPerWorkflow.toFixed(2)} commits/wf: ${res.commitCauses}` : '',
          res.xactsPerWorkflow !== undefined ? `${res.xactsPerWorkflow.toFixed(2)} transactions/wf (${res.xactsPerWorkflowRaw!.toFixed(2)} before subtracting ${res.idleXactsPerSecond!.toFixed(1)}/s idle)` : '',
        ].filter(Boolean);
        console.log(`  lone ${e.label}: median ${res.medianMs.toFixed(2)} ms (${extra.join(', ')})`);
      }
      rounds.push(round);
    }

    // Statistics over the rounds.
    const burstStat = (id: EngineId, f: (b: BurstResult) => number | undefined) => {
      const xs = rounds.map((r) => r.burst[id]).filter((b): b is BurstResult => !!b).map(f).filter((x): x is number => x !== undefined);
      return xs.length ? stat(xs) : undefined;
    };
    const loneStat = (id: EngineId, f: (b: LoneResult) => number | undefined) => {
      const xs = rounds.map((r) => r.lone[id]).filter((b): b is LoneResult => !!b).map(f).filter((x): x is number => x !== undefined);
      return xs.length ? stat(xs) : undefined;
    };
    const summary: Record<string, Stat | undefined> = {
      'raw SQLite commits/s': stat(rounds.map((r) => r.rawSqlite.commitsPerSecond)),
      'raw SQLite commit median ms': stat(rounds.map((r) => r.rawSqlite.commitLatencyMedianMs)),
      ...(rounds[0]?.rawPostgres
        ? {
            'raw PostgreSQL commits/s': stat(rounds.map((r) => r.rawPostgres!.commitsPerSecond)),
            'raw PostgreSQL commit median ms': stat(rounds.map((r) => r.rawPostgres!.commitLatencyMedianMs)),
          }
        : {}),
    };
    for (const e of engines) {
      summary[`${e.id} burst workflows/s`] = burstStat(e.id, (b) => b.perSecond);
      summary[`${e.id} burst CPU µs/workflow`] = burstStat(e.id, (b) => b.cpuUsPerWorkflow);
      summary[`${e.id} burst heap bytes/in-flight workflow`] = burstStat(e.id, (b) => b.heapBytesPerInFlight);
      summary[`${e.id} burst commits/workflow`] = burstStat(e.id, (b) => b.commitsPerWorkflow);
      summary[`${e.id} lone median ms`] = loneStat(e.id, (l) => l.medianMs);
      summary[`${e.id} lone commits/workflow`] = loneStat(e.id, (l) => l.commitsPerWorkflow);
      summary[`${e.id} lone transactions/workflow`] = loneStat(e.id, (l) => l.xactsPerWorkflow);
    }
    console.log(`\n## over ${rounds.length} round(s): median (min, max); load avg per round ${rounds.map((r) => r.loadAvg.toFixed(2)).join(', ')}`);
    for (const [k, s] of Object.entries(summary)) if (s) console.log(`  ${k}: ${showStat(s)}`);
    console.log('');

    const spread = (s: Stat) => `min ${fmt(s.min)}, median ${fmt(s.median)}, max ${fmt(s.max)} over ${s.samples.length} round(s); load avg ${rounds.map((r) => r.loadAvg.toFixed(1)).join('/')}`;
    const ratio = (name: string, a: Stat | undefined, aUnit: string, b: Stat | undefined, bName: string, bUnit: string, target: string, met: (x: number) => boolean) => {
      if (!a || !b) {
        report.note(`${name}: not measured (engine skipped or failed)`);
        return;
      }
      const x = a.median / b.median;
      report.add({ name, value: a.median, unit: aUnit, baseline: { name: bName, value: b.median, unit: bUnit }, ratio: x, target, met: met(x), note: spread(a) });
    };
    const abs = (name: string, a: Stat | undefined, unit: string, target: string, met: (x: number) => boolean) => {
      if (!a) {
        report.note(`${name}: not measured (engine skipped or failed)`);
        return;
      }
      report.add({ name, value: a.median, unit, target, met: met(a.median), note: spread(a) });
    };
    const s = summary;
    ratio(`wfe SQLite burst / workflow-es burst (N=${N})`, s['wfe-sqlite burst workflows/s'], 'workflows/s', s['workflow-es burst workflows/s'], 'workflow-es burst', 'workflows/s', 'ratio >= 1.2', (x) => x >= 1.2);
    ratio(`wfe PostgreSQL burst / DBOS burst (N=${N})`, s['wfe-postgres burst workflows/s'], 'workflows/s', s['dbos burst workflows/s'], 'DBOS burst', 'workflows/s', 'ratio >= 7', (x) => x >= 7);
    ratio('wfe SQLite lone median / raw SQLite commit median', s['wfe-sqlite lone median ms'], 'ms', s['raw SQLite commit median ms'], 'raw SQLite single-row commit', 'ms', 'ratio <= 15', (x) => x <= 15);
    ratio('wfe PostgreSQL lone median / DBOS lone median', s['wfe-postgres lone median ms'], 'ms', s['dbos lone median ms'], 'DBOS lone', 'ms', 'ratio <= 1', (x) => x <= 1);
    abs('commits per wfe SQLite workflow (lone)', s['wfe-sqlite lone commits/workflow'], 'commits', '<= 4', (x) => x <= 4);
    abs('transactions per wfe PostgreSQL workflow (lone)', s['wfe-postgres lone transactions/workflow'], 'transactions', '<= 5', (x) => x <= 5);
    abs(`wfe SQLite CPU per workflow in the burst (N=${N})`, s['wfe-sqlite burst CPU µs/workflow'], 'µs', '<= 200', (x) => x <= 200);
    const info = (name: string, a: Stat | undefined, unit: string) => {
      if (a) report.add({ name, value: a.median, unit, note: spread(a) });
    };
    info('transactions per DBOS workflow (lone)', s['dbos lone transactions/workflow'], 'transactions');
    info('workflow-es lone median (polls its queue every 100 ms)', s['workflow-es lone median ms'], 'ms');
    info(`wfe SQLite heap per in-flight workflow (N=${N})`, s['wfe-sqlite burst heap bytes/in-flight workflow'], 'bytes');
    info(`wfe PostgreSQL heap per in-flight workflow (N=${N})`, s['wfe-postgres burst heap bytes/in-flight workflow'], 'bytes');
    info(`wfe PostgreSQL CPU per workflow in the burst, wfe's process only (N=${N})`, s['wfe-postgres burst CPU µs/workflow'], 'µs');

    const results = join(here, '..', 'results');
    mkdirSync(results, { recursive: true });
    const revision = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
    writeFileSync(
      join(results, 'peers.json'),
      `${JSON.stringify({ revision, node: process.version, cores: cpus().length, at: new Date().toISOString(), config: { rounds: ROUNDS, n: N, runs: RUNS, warmup: WARMUP, engines: engines.map((e) => e.id) }, versions, rounds, summary, figures: report.figures }, null, 2)}\n`,
    );
    report.note('written to bench/results/peers.json');
    const failures = rounds.flatMap((r) => r.failures.map((f) => `round ${r.round}: ${f}`));
    if (failures.length > 0) throw new Error(`${failures.length} measurement(s) failed:\n${failures.join('\n')}`);
  } finally {
    await admin?.end();
    await server?.stop();
  }
}

await runAsScript('peers', main);
