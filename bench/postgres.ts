/**
 * wfe on PostgreSQL (and with Redis locks and queue), against baselines measured on the same
 * server in the same run:
 *
 * - 3-step no-op workflows/s with 1, 2 and 4 hosts, each host its own **child process** (a
 *   WorkflowHost with the default options), 5,000 started at once (split evenly over the hosts,
 *   each starting its share with one `Promise.all`); the time runs from the start command to the
 *   last completion. Events appended per second in the same runs.
 * - unloaded latency of one 3-step workflow (`runSync`, one at a time, on an in-process host; the
 *   PostgreSQL and Redis hosts measured in alternating blocks of 10): median and p99.
 * - `EventLog.appendBatch` events/s (1 request of 1 event; 50 requests of 3 events; the same from 4
 *   callers).
 * - baselines: a plain loop of single-row INSERTs, each its own commit, from one `pg` connection,
 *   run for WFE_BENCH_BASELINE_SECONDS just before and just after every measurement (their mean is
 *   that figure's baseline: on a shared machine the server's speed drifts within minutes); the
 *   median round trip of one such INSERT is the latency baseline. Once, at the start: the same loop
 *   from 1 and from 8 connections (group commit).
 * - the workflow figures again with leases, the work queue and wakeups on Redis (the log on
 *   PostgreSQL), when `redis-server` (or `valkey-server`) is installed.
 *
 *   npx tsx bench/postgres.ts
 *
 * PostgreSQL and Redis are started as the tests start them (`test/setup/servers.ts`: loopback, free
 * port, temporary folder), PostgreSQL with its durable defaults (fsync on, synchronous_commit on).
 * Without the binaries it says so and exits 0. Environment: WFE_BENCH_PG_URL / WFE_BENCH_REDIS_URL
 * (use running servers instead), WFE_BENCH_WORKFLOWS (5000), WFE_BENCH_HOSTS (1,2,4),
 * WFE_BENCH_LATENCY_RUNS (300), WFE_BENCH_SECONDS (3, per append run and first baselines),
 * WFE_BENCH_BASELINE_SECONDS (1.5, each bracketing baseline),
 * WFE_BENCH_REDIS=0 (PostgreSQL only).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createPostgresPersistence, type PostgresPersistence } from '../src/adapters/postgres/index.js';
import { createRedisCoordination, withRedisCoordination, type RedisCoordination } from '../src/adapters/redis/index.js';
import { workflow } from '../src/domain/builder.js';
import type { WorkflowEvent } from '../src/domain/events.js';
import type { AppendRequest } from '../src/ports/event-log.js';
import type { Persistence } from '../src/ports/persistence.js';
import { WorkflowHost } from '../src/runtime/host.js';
import { findPostgresBinDir, findRedisServer, startPostgres, startRedis, type RunningPostgres, type RunningRedis } from '../test/setup/servers.js';
import { median, percentile } from './lib/measure.js';
import { runAsScript, type Report } from './lib/report.js';

const WORKFLOWS = Number(process.env.WFE_BENCH_WORKFLOWS ?? 5000);
const HOSTS = (process.env.WFE_BENCH_HOSTS ?? '1,2,4').split(',').map(Number);
const LATENCY_RUNS = Number(process.env.WFE_BENCH_LATENCY_RUNS ?? 300);
const SECONDS = Number(process.env.WFE_BENCH_SECONDS ?? 3);
const BASELINE_SECONDS = Number(process.env.WFE_BENCH_BASELINE_SECONDS ?? 1.5);
const RUN_TIMEOUT_MS = 300_000;

const noop = () => workflow('noop', 1).startWith(() => {}, 'a').then(() => {}, 'b').then(() => {}, 'c').build();

/** Where a host keeps its stores: PostgreSQL alone, or with Redis coordination. */
interface Stores {
  readonly pgUrl: string;
  readonly schema: string;
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
}

async function openStores(s: Stores): Promise<{ persistence: Persistence; pg: PostgresPersistence; redis?: RedisCoordination; close(): Promise<void> }> {
  const pgp = await createPostgresPersistence({ connectionString: s.pgUrl, schema: s.schema });
  const redis = s.redisUrl ? await createRedisCoordination({ url: s.redisUrl, ...(s.redisPrefix ? { prefix: s.redisPrefix } : {}) }) : undefined;
  return {
    persistence: redis ? withRedisCoordination(pgp, redis) : pgp,
    pg: pgp,
    ...(redis ? { redis } : {}),
    async close() {
      await Promise.all([pgp.close(), redis?.close()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A host process: `bench/postgres.ts --host <json Stores & { hostId }>`, driven over stdin:
//   go <count>  start count workflows at once -> "started <ms>"; "completed <n>" as they complete
//   stop        stop and exit

async function hostProcess(config: Stores & { hostId: string }): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stores = await openStores(config);
  const host = new WorkflowHost({ persistence: stores.persistence, hostId: config.hostId });
  host.registerWorkflow(noop());
  let completed = 0;
  let told = 0;
  host.on('workflow:completed', () => completed++);
  host.on('host:error', (e) => process.stderr.write(`[${config.hostId}] host error (${e.where}): ${e.error instanceof Error ? e.error.message : String(e.error)}\n`));
  await host.start();
  await (stores.redis ? stores.redis.wakeups.listening() : stores.pg.wakeups.listening());
  const ticker = setInterval(() => {
    if (completed !== told) say(`completed ${(told = completed)}`);
  }, 10);
  say('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    const [word, n] = line.split(' ');
    if (word === 'go') {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: Number(n) }, () => host.startWorkflow('noop')));
      say(`started ${(performance.now() - t0).toFixed(0)}`);
    } else if (word === 'stop') break;
  }
  clearInterval(ticker);
  await host.stop();
  await stores.close();
  process.exit(0);
}

class HostChild {
  completed = 0;
  startedMs = Number.NaN;
  private onLine = new Set<(line: string) => void>();
  readonly exited: Promise<void>;

  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.stderr.on('data', (b: Buffer) => process.stderr.write(b));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const [word, n] = line.split(' ');
      if (word === 'completed') this.completed = Number(n);
      if (word === 'started') this.startedMs = Number(n);
      for (const l of this.onLine) l(line);
    });
  }

  static async start(config: Stores & { hostId: string }): Promise<HostChild> {
    const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--host', JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const child = new HostChild(proc);
    await new Promise<void>((resolve, reject) => {
      const l = (line: string) => {
        if (line === 'ready') {
          child.onLine.delete(l);
          resolve();
        }
      };
      child.onLine.add(l);
      void child.exited.then(() => reject(new Error(`host ${config.hostId} exited before it was ready`)));
    });
    return child;
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  async stop(): Promise<void> {
    this.send('stop');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(t);
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let schemas = 0;
const freshSchema = (label: string) => `bench_${label}_${++schemas}`;

interface InsertBaseline {
  readonly rowsPerSecond: number;
  /** Median round trip of one INSERT + commit (ms), one connection. */
  readonly commitMs: number;
}

/** Single-row INSERTs, each its own commit, from `connections` connections for `seconds`. */
async function insertLoop(url: string, connections: number, seconds: number): Promise<InsertBaseline> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  await clients[0]!.query('CREATE TABLE IF NOT EXISTS bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, payload json NOT NULL, UNIQUE (stream_id, version))');
  let row = 0;
  const samples: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) {
        const i = row++;
        const t = performance.now();
        await c.query({ name: 'ins', text: 'INSERT INTO bench_rows (stream_id, version, payload) VALUES ($1, $2, $3)', values: [`s${process.pid}-${Date.now()}-${i}`, 1, JSON.stringify({ type: 'StepStarted', v: 1, at: Date.now(), pointerId: i, attempt: 1 })] });
        samples.push(performance.now() - t);
      }
    }),
  );
  const rate = samples.length / ((performance.now() - t0) / 1000);
  await Promise.all(clients.map((c) => c.end()));
  return { rowsPerSecond: rate, commitMs: median(samples) };
}

/**
 * `runSync` of one 3-step workflow at a time on in-process hosts, one per store set, all open at
 * once and measured in alternating blocks of 10 (so that a slow spell of the machine or the server
 * does not fall on one of them only): per store set, per-run milliseconds.
 */
async function latency(storeSets: readonly Stores[]): Promise<number[][]> {
  const opened = await Promise.all(storeSets.map((s) => openStores(s)));
  const hosts = opened.map((s, i) => {
    const host = new WorkflowHost({ persistence: s.persistence, hostId: `latency-${i + 1}` });
    host.registerWorkflow(noop());
    return host;
  });
  await Promise.all(hosts.map((h) => h.start()));
  const out: number[][] = hosts.map(() => []);
  try {
    for (const h of hosts) for (let i = 0; i < 20; i++) await h.runSync('noop');
    for (let block = 0; block * 10 < LATENCY_RUNS; block++) {
      for (const [k, h] of hosts.entries()) {
        for (let i = 0; i < 10 && block * 10 + i < LATENCY_RUNS; i++) {
          const t = performance.now();
          const state = await h.runSync('noop');
          out[k]!.push(performance.now() - t);
          if (state.status !== 'complete') throw new Error(`latency run ended ${state.status}`);
        }
      }
    }
    return out;
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
    await Promise.all(opened.map((s) => s.close()));
  }
}

interface ThroughputRun {
  readonly workflowsPerSecond: number;
  readonly eventsPerSecond: number;
  readonly events: number;
  /** Slowest host's start phase (all its startWorkflow calls durable), ms. */
  readonly startMs: number;
  readonly totalMs: number;
}

/** WORKFLOWS no-op workflows started at once over `hosts` host processes. */
async function throughput(stores: Stores, hosts: number): Promise<ThroughputRun> {
  // The schema is migrated once here, not raced by the hosts.
  const admin = await createPostgresPersistence({ connectionString: stores.pgUrl, schema: stores.schema, poolConfig: { max: 2 } });
  const children = await Promise.all(Array.from({ length: hosts }, (_, i) => HostChild.start({ ...stores, hostId: `host-${i + 1}` })));
  try {
    await sleep(200);
    const share = (i: number) => Math.floor(WORKFLOWS / hosts) + (i < WORKFLOWS % hosts ? 1 : 0);
    const t0 = performance.now();
    children.forEach((c, i) => c.send(`go ${share(i)}`));
    const done = () => children.reduce((n, c) => n + c.completed, 0);
    while (done() < WORKFLOWS) {
      if (performance.now() - t0 > RUN_TIMEOUT_MS) throw new Error(`only ${done()} of ${WORKFLOWS} workflows completed in ${RUN_TIMEOUT_MS / 1000} s`);
      await sleep(5);
    }
    const totalMs = performance.now() - t0;
    const r = await admin.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${stores.schema}".events`);
    const events = Number(r.rows[0]?.n ?? 0);
    return {
      workflowsPerSecond: WORKFLOWS / (totalMs / 1000),
      eventsPerSecond: events / (totalMs / 1000),
      events,
      startMs: Math.max(...children.map((c) => c.startedMs)),
      totalMs,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await admin.close();
  }
}

/** `appendBatch` of `requests` new streams of `events` events each, from `callers` callers, for SECONDS. */
async function appends(url: string, requests: number, events: number, callers: number): Promise<number> {
  const p = await createPostgresPersistence({ connectionString: url, schema: freshSchema('append'), poolConfig: { max: Math.max(2, callers) } });
  const event = (n: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: 1_704_067_200_000 + n, pointerId: n, attempt: 1 });
  let stream = 0;
  const batch = (): AppendRequest[] =>
    Array.from({ length: requests }, () => ({ streamId: `i${stream++}`, expectedVersion: 0, events: Array.from({ length: events }, (_, k) => event(k)), meta: { actor: 'bench' } }));
  let appended = 0;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  try {
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (performance.now() < deadline) {
          const outs = await p.log.appendBatch(batch());
          if (!outs.every((o) => o.ok)) throw new Error('unexpected append conflict');
          appended += requests * events;
        }
      }),
    );
    return appended / ((performance.now() - t0) / 1000);
  } finally {
    await p.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(report: Report): Promise<void> {
  const pgUrlGiven = process.env.WFE_BENCH_PG_URL;
  if (!pgUrlGiven && !findPostgresBinDir()) {
    report.note('SKIPPED: PostgreSQL is not installed (no initdb/postgres: install the postgresql package, set WFE_PG_BIN, or give WFE_BENCH_PG_URL)');
    return;
  }
  const wantRedis = process.env.WFE_BENCH_REDIS !== '0';
  const redisUrlGiven = process.env.WFE_BENCH_REDIS_URL;
  let pgServer: RunningPostgres | undefined;
  let redisServer: RunningRedis | undefined;
  try {
    const pgUrl = pgUrlGiven ?? (pgServer = await startPostgres({ durable: true })).url;
    let redisUrl: string | undefined;
    if (wantRedis) {
      if (redisUrlGiven) redisUrl = redisUrlGiven;
      else if (findRedisServer()) redisUrl = (redisServer = await startRedis()).url;
      else report.note('Redis runs SKIPPED: redis-server / valkey-server is not installed (or give WFE_BENCH_REDIS_URL)');
    }
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    const settings = await c.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'max_connections') ORDER BY name`);
    await c.end();
    report.note(`PostgreSQL ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}; ${cpus().length} cores; ${WORKFLOWS} workflows per throughput run; hosts are child processes`);

    // Every measurement is bracketed by a short single-row-INSERT baseline just before and just
    // after it (the mean is its baseline): on a shared machine the server's speed drifts within minutes.
    const bracket = async <T>(body: () => Promise<T>): Promise<{ value: T; baseline: InsertBaseline }> => {
      const a = await insertLoop(pgUrl, 1, BASELINE_SECONDS);
      const value = await body();
      const b = await insertLoop(pgUrl, 1, BASELINE_SECONDS);
      return { value, baseline: { rowsPerSecond: (a.rowsPerSecond + b.rowsPerSecond) / 2, commitMs: (a.commitMs + b.commitMs) / 2 } };
    };
    const one = await insertLoop(pgUrl, 1, SECONDS);
    const eight = await insertLoop(pgUrl, 8, SECONDS);
    report.add({ name: 'baseline: single-row INSERT per commit, 1 connection', value: one.rowsPerSecond, unit: 'rows/s', note: `median round trip ${one.commitMs.toFixed(2)} ms` });
    report.add({ name: 'baseline: single-row INSERT per commit, 8 connections (group commit)', value: eight.rowsPerSecond, unit: 'rows/s', baseline: { name: '1 connection', value: one.rowsPerSecond, unit: 'rows/s' }, ratio: eight.rowsPerSecond / one.rowsPerSecond });
    const rowsBase = (b: InsertBaseline) => ({ name: 'single-row INSERT per commit, 1 connection, just before and after', value: b.rowsPerSecond, unit: 'rows/s' });

    type Kind = 'postgres' | 'redis';
    const kinds: Kind[] = redisUrl ? ['postgres', 'redis'] : ['postgres'];
    const label = (k: Kind) => (k === 'redis' ? 'PostgreSQL log + Redis locks/queue/wakeups' : 'PostgreSQL');
    const stores = (kind: Kind, tag: string): Stores => ({
      pgUrl,
      schema: freshSchema(`${kind}_${tag}`),
      ...(kind === 'redis' ? { redisUrl: redisUrl!, redisPrefix: `bench-${tag}-${schemas}:` } : {}),
    });

    // Latency, both kinds in alternating blocks within one bracket.
    const lat = await bracket(() => latency(kinds.map((k) => stores(k, 'latency'))));
    const commit = { name: 'one single-row INSERT + commit, median, just before and after', value: lat.baseline.commitMs, unit: 'ms' };
    const medians = new Map<Kind, number>();
    kinds.forEach((k, i) => {
      const xs = lat.value[i]!;
      const med = median(xs);
      const p99 = percentile(xs, 99);
      medians.set(k, med);
      const vsPg = k === 'redis' ? `; ${(med / medians.get('postgres')!).toFixed(2)}x the PostgreSQL-only median` : '';
      report.add({ name: `${label(k)}: latency of one 3-step workflow, median`, value: med, unit: 'ms', baseline: commit, ratio: med / commit.value, target: '<= 5 ms', met: med <= 5, note: `${xs.length} runs one at a time, in-process host${vsPg}` });
      report.add({ name: `${label(k)}: latency of one 3-step workflow, p99`, value: p99, unit: 'ms', baseline: commit, ratio: p99 / commit.value });
    });

    // Throughput: kinds alternating for each host count.
    const pgRates = new Map<number, number>();
    for (const n of HOSTS) {
      for (const k of kinds) {
        const { value: run, baseline } = await bracket(() => throughput(stores(k, `${n}h`), n));
        const base = rowsBase(baseline);
        if (k === 'postgres') pgRates.set(n, run.workflowsPerSecond);
        const vsPg = k === 'redis' && pgRates.has(n) ? `; ${(run.workflowsPerSecond / pgRates.get(n)!).toFixed(2)}x the PostgreSQL-only figure` : '';
        report.add({
          name: `${label(k)}: 3-step workflows/s, ${n} host process(es), ${WORKFLOWS} started at once`,
          value: run.workflowsPerSecond,
          unit: 'workflows/s',
          baseline: base,
          ratio: run.workflowsPerSecond / base.value,
          target: '>= 2,000/s',
          met: run.workflowsPerSecond >= 2000,
          note: `${(run.totalMs / 1000).toFixed(1)} s, start phase ${(run.startMs / 1000).toFixed(1)} s${vsPg}`,
        });
        report.add({ name: `${label(k)}: events appended/s in that run (${n} host(s), ${run.events} events)`, value: run.eventsPerSecond, unit: 'events/s', baseline: base, ratio: run.eventsPerSecond / base.value });
      }
    }

    // The log alone.
    for (const [requests, events, callers] of [
      [1, 1, 1],
      [50, 3, 1],
      [50, 3, 4],
    ] as const) {
      const { value: rate, baseline } = await bracket(() => appends(pgUrl, requests, events, callers));
      const base = rowsBase(baseline);
      report.add({ name: `appendBatch ${requests} request(s) x ${events} event(s), ${callers} caller(s)`, value: rate, unit: 'events/s', baseline: base, ratio: rate / base.value });
    }
  } finally {
    await Promise.all([pgServer?.stop(), redisServer?.stop()]);
  }
}

if (process.argv[2] === '--host') await hostProcess(JSON.parse(process.argv[3] ?? '{}') as Stores & { hostId: string });
else await runAsScript('postgres', main);
