/**
 * The multi-host scenario: host processes (`host-child.ts`) on one PostgreSQL database run the
 * `mixed` workflow; one is killed with SIGKILL mid-run and started again. Then every stream is read
 * back through the log and checked ({@link checkStreams}, {@link checkJournals}).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PgPool } from '../../src/adapters/postgres/index.js';
import { verifyChain } from '../../src/adapters/shared/hash-chain.js';
import { fold } from '../../src/domain/evolve.js';
import type { WorkflowEvent } from '../../src/domain/events.js';
import type { EventLog, StoredEvent } from '../../src/ports/event-log.js';
import type { ChildConfig, FencedMeta } from './child-protocol.js';
import { EXPECTED_DONE, instanceId, publishedByTest, type MixedData } from './mixed-workflow.js';

const CHILD = join(import.meta.dirname, 'host-child.ts');

/** A host process and its line protocol. */
export class HostProcess {
  /** `host:error` reports: `<where> <instance|-> <message>`. */
  readonly errors: string[] = [];
  /** Instances this host reported an error or an append conflict on. */
  readonly disturbed = new Set<string>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private stderr = '';

  private constructor(
    readonly hostId: string,
    private readonly proc: ChildProcessWithoutNullStreams,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(({ code, signal }) => {
      for (const [line, w] of this.waiting) w.reject(new Error(`host ${hostId} exited (${code ?? signal}) while the test waited for "${line}"\n${this.stderr.slice(-4000)}`));
      this.waiting.clear();
    });
    proc.stderr.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-20_000);
    });
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (line.startsWith('error ')) {
        this.errors.push(line.slice(6));
        const instance = line.split(' ')[2];
        if (instance && instance !== '-') this.disturbed.add(instance);
      }
      if (line.startsWith('conflict ')) this.disturbed.add(line.split(' ')[1]!);
      const w = this.waiting.get(line);
      if (w) {
        this.waiting.delete(line);
        w.resolve();
      }
    });
  }

  /** Start a host process and wait until it is ready. */
  static async start(config: ChildConfig): Promise<HostProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const h = new HostProcess(config.hostId, proc);
    await h.expect('ready', 60_000);
    return h;
  }

  private expect(line: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(line);
        reject(new Error(`host ${this.hostId} did not say "${line}" within ${timeoutMs} ms\n${this.stderr.slice(-4000)}`));
      }, timeoutMs);
      this.waiting.set(line, {
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
    });
  }

  /** Send a command and wait for its reply line. */
  async request(command: string, reply: string, timeoutMs = 60_000): Promise<void> {
    const done = this.expect(reply, timeoutMs);
    this.proc.stdin.write(`${command}\n`);
    await done;
  }

  /** SIGKILL: no cleanup of any kind. Resolves once the process is gone. */
  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** Stop cleanly (the host finishes and records what it is running). */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.stdin.write('stop\n');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(t);
  }
}

export interface ScenarioOptions {
  readonly pgUrl: string;
  readonly schema: string;
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
  /** Folder for the journals. */
  readonly dir: string;
  /** Instances to run. */
  readonly count: number;
  readonly hosts: number;
  readonly leaseMs: number;
  readonly pollInterval: number;
  readonly maxConcurrentWorkflows: number;
  /** Kill the last host once this fraction of the instances has completed. */
  readonly killAt: number;
  /** How long the killed host stays down before it is started again (ms). */
  readonly downMs: number;
  /** Overall limit (ms). */
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface ScenarioRun {
  /** Every incarnation's host id, the killed one included. */
  readonly hostIds: string[];
  readonly killedHostId: string;
  /** Wall-clock time of the SIGKILL (ms, sub-ms resolution). */
  readonly killedAt: number;
  /** Completed instances when the host was killed. */
  readonly completedAtKill: number;
  /** From the first start command to the last completion (ms). */
  readonly runMs: number;
  readonly journals: string[];
  /** `host:error` lines per host id. */
  readonly errors: Record<string, string[]>;
  /**
   * Instances on which some host reported an error (a lost lease: `LOCK_LOST`) or an append
   * conflict: where a live host may have run steps that another host also ran.
   */
  readonly disturbed: Set<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run the scenario (the stores must exist: the caller migrated the schema). */
export async function runScenario(o: ScenarioOptions, counts: () => Promise<number>): Promise<ScenarioRun> {
  const log = o.log ?? (() => {});
  const config = (hostId: string): ChildConfig => ({
    pgUrl: o.pgUrl,
    schema: o.schema,
    ...(o.redisUrl ? { redisUrl: o.redisUrl } : {}),
    ...(o.redisPrefix ? { redisPrefix: o.redisPrefix } : {}),
    hostId,
    journal: join(o.dir, `journal-${hostId}.log`),
    leaseMs: o.leaseMs,
    pollInterval: o.pollInterval,
    maxConcurrentWorkflows: o.maxConcurrentWorkflows,
  });
  const hostIds = Array.from({ length: o.hosts }, (_, i) => `host-${i + 1}`);
  const hosts = await Promise.all(hostIds.map((id) => HostProcess.start(config(id))));
  const all = [...hosts];
  const victim = hosts[hosts.length - 1]!;
  const restartedId = `${victim.hostId}-restarted`;
  let killedAt = 0;
  let completedAtKill = 0;
  try {
    const t0 = Date.now();
    // Starts: chunks of 50, round robin over the hosts, all at once.
    const chunk = 50;
    await Promise.all(
      Array.from({ length: Math.ceil(o.count / chunk) }, (_, k) => {
        const from = k * chunk;
        const n = Math.min(chunk, o.count - from);
        return hosts[k % hosts.length]!.request(`start ${from} ${n}`, `started ${from} ${n}`);
      }),
    );
    log(`started ${o.count} instances in ${Date.now() - t0} ms`);

    // The test's events (even instances): 100 at a time every 150 ms through the hosts that are
    // never killed, while the run goes on.
    const mine = Array.from({ length: o.count }, (_, n) => n).filter(publishedByTest);
    const publishing = (async () => {
      const survivors = hosts.slice(0, -1);
      for (let k = 0; k * 100 < mine.length; k++) {
        const list = mine.slice(k * 100, (k + 1) * 100).join(',');
        await survivors[k % survivors.length]!.request(`publish ${list}`, `published ${list}`);
        await sleep(150);
      }
    })();
    publishing.catch(() => undefined); // awaited below

    // Kill the last host once a part of the instances completed; start it again shortly after.
    let done = 0;
    const deadline = t0 + o.timeoutMs;
    let restarted: Promise<HostProcess> | undefined;
    while (done < o.count) {
      if (Date.now() > deadline) throw new Error(`only ${done} of ${o.count} instances completed within ${o.timeoutMs} ms`);
      await sleep(100);
      done = await counts();
      if (!killedAt && done >= o.count * o.killAt) {
        killedAt = performance.timeOrigin + performance.now();
        await victim.kill();
        completedAtKill = done;
        log(`killed ${victim.hostId} with SIGKILL at ${done} completed (${Date.now() - t0} ms)`);
        restarted = sleep(o.downMs).then(() => HostProcess.start(config(restartedId)));
        void restarted.then((h) => {
          all.push(h);
          log(`started ${restartedId} (${Date.now() - t0} ms)`);
        }, () => undefined);
      }
    }
    const runMs = Date.now() - t0;
    await publishing;
    if (restarted) await restarted;
    log(`all ${o.count} completed in ${runMs} ms`);
    return {
      hostIds: [...hostIds, restartedId],
      killedHostId: victim.hostId,
      killedAt,
      completedAtKill,
      runMs,
      journals: [...hostIds, restartedId].map((id) => join(o.dir, `journal-${id}.log`)),
      errors: Object.fromEntries(all.map((h) => [h.hostId, h.errors])),
      disturbed: new Set(all.flatMap((h) => [...h.disturbed])),
    };
  } finally {
    await Promise.all(all.map((h) => h.stop()));
  }
}

/**
 * A counter of the instances completed so far, read from the log: by position since the last call
 * (cheap), and in full every 20th call (so a position committed out of order is never missed).
 */
export function completedInLog(pool: Pick<PgPool, 'query'>, schema: string): () => Promise<number> {
  let after = 0;
  let completed = 0;
  let calls = 0;
  return async () => {
    if (++calls % 20 === 0) after = completed = 0;
    const r = await pool.query<{ n: string; last: string | null }>(
      `SELECT count(*) FILTER (WHERE type = 'WorkflowCompleted') AS n, max(position) AS last FROM "${schema}".events WHERE position > $1`,
      [after],
    );
    completed += Number(r.rows[0]?.n ?? 0);
    if (r.rows[0]?.last != null) after = Number(r.rows[0].last);
    return completed;
  };
}

/** Every stream of the run, read back through the log (8 at a time). */
export async function readStreams(log: EventLog, count: number): Promise<Map<string, StoredEvent[]>> {
  const out = new Map<string, StoredEvent[]>();
  const ids = Array.from({ length: count }, (_, n) => instanceId(n));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        out.set(id, await log.read(id));
      }
    }),
  );
  return out;
}

/** One append as it shows in the log: consecutive events with the same time and meta. */
interface Append {
  readonly from: number;
  readonly to: number;
  readonly at: number;
  readonly actor: string;
  readonly fence?: { owner: string; token: number };
}

function appendsOf(events: readonly StoredEvent[]): Append[] {
  const out: Append[] = [];
  for (const e of events) {
    const meta = e.meta as FencedMeta;
    const last = out[out.length - 1];
    const same = last && last.at === e.recordedAt && last.actor === meta.actor && last.fence?.token === meta.fence?.token && last.fence?.owner === meta.fence?.owner;
    if (same) out[out.length - 1] = { ...last, to: e.version };
    else out.push({ from: e.version, to: e.version, at: e.recordedAt, actor: meta.actor ?? '', ...(meta.fence ? { fence: meta.fence } : {}) });
  }
  return out;
}

export interface StreamReport {
  /** Every violation found, one line each (empty when all holds). */
  readonly problems: string[];
  readonly instances: number;
  readonly events: number;
  /** Instances whose appends came from more than one host. */
  readonly handedOver: number;
  /** Instances the killed host appended to and another host finished. */
  readonly takenOverFromKilled: number;
  /** Lease changes between two appends of one stream, over all streams. */
  readonly leaseChanges: number;
}

/**
 * What must hold of every stream after the run, read from the log alone:
 * - the versions are 1..N without a gap, and `verifyChain` passes;
 * - the instance completed: `WorkflowStarted` first, one `WorkflowCompleted`, last; every step's
 *   data change is there exactly once (`done` has each label once);
 * - no `StepCompleted` for the same pointer twice; the first attempt of the flaky step failed and
 *   was retried exactly once (`StepFailed` and `StepRetryScheduled` once each); one `EventReceived`;
 * - fencing: every append after `WorkflowStarted` was made under a lease whose owner is the
 *   appending host (`meta.fence.owner === meta.actor`); the lease tokens never go down along the
 *   stream, and each token belongs to one host, so the appends of two owners never interleave: once
 *   a lease was taken over, its former holder appended nothing more; and the appends under a newer
 *   lease were recorded no earlier than the last append under the older one.
 */
export function checkStreams(streams: ReadonlyMap<string, readonly StoredEvent[]>, killedHostId: string): StreamReport {
  const problems: string[] = [];
  let events = 0;
  let handedOver = 0;
  let takenOverFromKilled = 0;
  let leaseChanges = 0;
  const count = (list: readonly StoredEvent[], type: WorkflowEvent['type']) => list.filter((e) => e.event.type === type).length;
  for (const [id, list] of streams) {
    const bad = (what: string) => problems.push(`${id}: ${what}`);
    events += list.length;
    if (list.length === 0) {
      bad('no events');
      continue;
    }
    list.forEach((e, i) => {
      if (e.version !== i + 1) bad(`version ${e.version} at index ${i} (a gap or a repeat)`);
    });
    const chain = verifyChain(list);
    if (chain) bad(`hash chain broken at version ${chain.version}: ${chain.problem}`);
    if (list[0]!.event.type !== 'WorkflowStarted') bad(`starts with ${list[0]!.event.type}`);
    if (count(list, 'WorkflowCompleted') !== 1 || list[list.length - 1]!.event.type !== 'WorkflowCompleted') bad(`${count(list, 'WorkflowCompleted')} WorkflowCompleted, last event ${list[list.length - 1]!.event.type}`);
    const state = fold(undefined, list.map((e) => e.event));
    if (state.status !== 'complete') bad(`status ${state.status}`);
    const done = [...(state.data as MixedData).done].sort();
    if (JSON.stringify(done) !== JSON.stringify(EXPECTED_DONE)) bad(`data.done is ${JSON.stringify(done)}`);
    const completions = list.flatMap((e) => (e.event.type === 'StepCompleted' ? [e.event.pointerId] : []));
    const twice = completions.filter((p, i) => completions.indexOf(p) !== i);
    if (twice.length > 0) bad(`StepCompleted recorded twice for pointer(s) ${twice.join(', ')}`);
    for (const [type, n] of [['StepFailed', 1], ['StepRetryScheduled', 1], ['EventReceived', 1]] as const) {
      if (count(list, type) !== n) bad(`${count(list, type)} ${type}, expected ${n}`);
    }

    // Fencing, from the leases recorded with each append.
    const appends = appendsOf(list);
    const first = appends[0]!;
    // startWorkflow appends WorkflowStarted (with its first StepsActivated) without a lease: the
    // stream does not exist before it, and expected version 0 lets only one start land.
    if (first.fence || first.from !== 1) bad('the first append (WorkflowStarted) was made under a lease');
    const ownerOfToken = new Map<number, string>();
    let prev: Append | undefined;
    for (const a of appends.slice(1)) {
      const where = `versions ${a.from}-${a.to} by ${a.actor}`;
      if (!a.fence) {
        bad(`${where}: appended without a lease`);
        continue;
      }
      if (a.fence.owner !== a.actor) bad(`${where}: under ${a.fence.owner}'s lease ${a.fence.token}`);
      const owner = ownerOfToken.get(a.fence.token);
      if (owner !== undefined && owner !== a.fence.owner) bad(`${where}: lease token ${a.fence.token} held by both ${owner} and ${a.fence.owner}`);
      ownerOfToken.set(a.fence.token, a.fence.owner);
      if (prev?.fence) {
        if (a.fence.token < prev.fence.token) bad(`${where}: lease token ${a.fence.token} after ${prev.fence.token} (${prev.actor}): an older lease appended after a newer one`);
        if (a.fence.token !== prev.fence.token) {
          leaseChanges++;
          if (a.at < prev.at) bad(`${where}: recorded at ${a.at}, before the last append under the previous lease (${prev.actor}, at ${prev.at})`);
        }
      }
      prev = a;
    }
    const actors = new Set(appends.slice(1).map((a) => a.actor));
    if (actors.size > 1) handedOver++;
    const lastActor = appends[appends.length - 1]!.actor;
    if (actors.has(killedHostId) && lastActor !== killedHostId) takenOverFromKilled++;
  }
  return { problems, instances: streams.size, events, handedOver, takenOverFromKilled, leaseChanges };
}

/** One execution of a step body, from the journals. */
interface Execution {
  readonly host: string;
  readonly instance: string;
  readonly key: string;
  readonly label: string;
  readonly start: number;
  /** The end, or the time of the kill for an execution the kill interrupted. */
  readonly end: number;
  readonly interrupted: boolean;
}

export interface JournalReport {
  readonly problems: string[];
  readonly executions: number;
  /** Executions with an idempotency key (instance:pointer:attempt) executed before. */
  readonly repeated: number;
  /** Executions the SIGKILL interrupted. */
  readonly interrupted: number;
}

/**
 * What must hold of the step executions (the journals every host process wrote). Leases are
 * time-based: a live host whose renewals stall past its lease can lose an instance while one of its
 * steps runs; the fence then refuses its result and it stops (`LOCK_LOST`). So, except on the
 * instances where a host reported that (or an append conflict, `disturbed`):
 * - no instance ever had step bodies running on two hosts at the same time (the killed host's
 *   unfinished executions count as running until the kill);
 * - a step execution was repeated (same idempotency key) only when the killed host had run it:
 *   re-execution comes from the crash, never from two live hosts working on one instance.
 */
export function checkJournals(files: readonly string[], killedHostId: string, killedAt: number, disturbed: ReadonlySet<string>): JournalReport {
  const problems: string[] = [];
  const executions: Execution[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const open = new Map<string, { start: number; host: string; instance: string; key: string; label: string }>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const [mark, at, host, instance, pointer, attempt, label] = line.split(' ') as [string, string, string, string, string, string, string];
      const key = `${instance}:${pointer}:${attempt}`;
      const slot = `${key}:${label}`;
      if (mark === 'S') open.set(slot, { start: Number(at), host, instance, key, label });
      else {
        const s = open.get(slot);
        if (!s) {
          problems.push(`${file}: an end without a start: ${line}`);
          continue;
        }
        open.delete(slot);
        executions.push({ ...s, end: Number(at), interrupted: false });
      }
    }
    for (const s of open.values()) {
      if (s.host !== killedHostId) problems.push(`${s.host} never finished ${s.key} (${s.label}) though it was not killed`);
      executions.push({ ...s, end: killedAt, interrupted: true });
    }
  }
  const byInstance = new Map<string, Execution[]>();
  for (const e of executions) {
    const list = byInstance.get(e.instance) ?? [];
    list.push(e);
    byInstance.set(e.instance, list);
  }
  let repeated = 0;
  for (const [instance, list] of byInstance) {
    list.sort((a, b) => a.start - b.start);
    // The latest end seen so far per host: an execution on another host must start after it.
    const lastEnd = new Map<string, Execution>();
    const seen = new Map<string, Execution[]>();
    for (const e of list) {
      for (const [host, other] of lastEnd) {
        if (host !== e.host && other.end > e.start && !disturbed.has(instance)) {
          problems.push(`${instance}: ${e.host} ran ${e.key} (${e.label}) from ${e.start.toFixed(1)} while ${host} ran ${other.key} (${other.label}) until ${other.end.toFixed(1)}`);
        }
      }
      const mine = lastEnd.get(e.host);
      if (!mine || mine.end < e.end) lastEnd.set(e.host, e);
      const before = seen.get(e.key) ?? [];
      if (before.length > 0) {
        repeated++;
        if (![...before, e].some((x) => x.host === killedHostId) && !disturbed.has(instance)) problems.push(`${instance}: ${e.key} (${e.label}) executed again by ${e.host} though the killed host never ran it (before: ${before.map((x) => x.host).join(', ')})`);
      }
      before.push(e);
      seen.set(e.key, before);
    }
  }
  return { problems, executions: executions.length, repeated, interrupted: executions.filter((e) => e.interrupted).length };
}
