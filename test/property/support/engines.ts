/**
 * Two ways to run a generated scenario, driven by one schedule (`drive`):
 * - `HostEngine`: the real `WorkflowHost` on in-memory stores with a simulated clock;
 * - `PureEngine`: a minimal reference loop over the host's own `planPass` (what to run now, user
 *   code through the step runner) and `commit` (decideAll + append), on a memory event log, with no
 *   timers, no queue and no leases, so that it produces a log in a millisecond.
 * Both see the same published events with the same ids at the same simulated times.
 */
import { createMemoryEventLog, createMemoryPersistence } from '../../../src/adapters/memory/index.js';
import type { Command, Execution } from '../../../src/domain/commands.js';
import { EMPTY_STATE } from '../../../src/domain/evolve.js';
import type { WorkflowEvent } from '../../../src/domain/events.js';
import type { Json } from '../../../src/domain/json.js';
import { nextDueAt } from '../../../src/domain/queries.js';
import { isTerminal, type InstanceState } from '../../../src/domain/state.js';
import type { EventLog, StoredEvent } from '../../../src/ports/event-log.js';
import type { ExternalEvent } from '../../../src/ports/external-events.js';
import type { Persistence } from '../../../src/ports/persistence.js';
import { WorkflowHost } from '../../../src/runtime/host.js';
import type { HostOptions } from '../../../src/runtime/host-options.js';
import { commit } from '../../../src/runtime/commit.js';
import { definitionHash } from '../../../src/runtime/definition-registry.js';
import { planPass } from '../../../src/runtime/pass.js';
import { SimulatedClock, sequentialIds } from '../../../src/testing/simulated-clock.js';
import { initialData, WORKFLOW_ID, type BuiltScenario, type Data, type Scenario } from './scenario.js';

export const T0 = Date.UTC(2026, 0, 1);
export const INSTANCE_ID = 'wf-1';
/** Every round moves the clock this far: more than any generated delay or retry interval. */
export const ROUND_MS = 60_000;
export const MAX_ROUNDS = 40;
/** Real time a host may take to become idle before the run is reported stuck. */
export const DRAIN_TIMEOUT_MS = Number(process.env.WFE_PROPERTY_DRAIN_MS ?? 10_000);

export interface Engine {
  now(): number;
  publish(name: string, key: string, data: Json): Promise<void>;
  start(data: Data): Promise<void>;
  resume(): Promise<void>;
  /** Suspend or terminate by request. */
  interrupt(kind: 'suspend' | 'terminate'): Promise<void>;
  /** Work until nothing is due at the current time. */
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
  state(): Promise<InstanceState>;
  history(): Promise<StoredEvent[]>;
}

export interface DriveResult {
  readonly final: InstanceState;
  readonly rounds: number;
  readonly resumed: number;
}

/**
 * The schedule both engines follow: publish the 'before' events, start, settle; then in rounds:
 * resume a suspended instance (a bounded number of times), publish the 'after' (round 0) and 'late'
 * (round 2) events, and move the clock. Stops when the instance has ended, is suspended with no
 * resumes left, or waits only for events that will never come.
 */
export async function drive(
  engine: Engine,
  sc: Scenario,
  b: BuiltScenario,
  onCheckpoint?: (state: InstanceState) => void | Promise<void>,
): Promise<DriveResult> {
  const publishAll = async (when: 'before' | 'after' | 'late') => {
    for (const w of b.waits) {
      if (w.publish !== when) continue;
      for (let i = 0; i < w.copies; i++) {
        await engine.publish(w.name, w.key, { from: w.name, copy: i });
        // The host works on a waiting instance as soon as an event arrives: let it, so that both
        // engines see one event at a time.
        if (when !== 'before') await engine.settle();
      }
    }
  };
  const laterPublishes = (round: number) =>
    b.waits.some((w) => (w.publish === 'after' && round <= 0) || (w.publish === 'late' && round <= 2));

  await publishAll('before');
  await engine.start(initialData(sc));
  await engine.settle();
  let resumed = 0;
  let round = 0;
  for (; round < MAX_ROUNDS; round++) {
    const s = await engine.state();
    await onCheckpoint?.(s);
    if (isTerminal(s.status)) break;
    if (s.status === 'suspended') {
      if (resumed >= sc.resumes) break;
      resumed++;
      await engine.resume();
      await engine.settle();
      continue;
    }
    if (sc.interrupt && sc.interrupt.round === round) {
      await engine.interrupt(sc.interrupt.kind);
      await engine.settle();
      continue;
    }
    if (nextDueAt(s, engine.now()) === undefined && !laterPublishes(round)) break;
    if (round === 0) await publishAll('after');
    if (round === 2) await publishAll('late');
    await engine.settle();
    await engine.advance(ROUND_MS);
  }
  const final = await engine.state();
  await onCheckpoint?.(final);
  return { final, rounds: round, resumed };
}

// ---------------------------------------------------------------------------------------------

export interface HostEngineOptions {
  /** Run this many instances of the scenario side by side (ids `wf-1`, `wf-2`, ...); the driver follows `wf-1`. */
  readonly instances?: number;
  readonly clock?: SimulatedClock;
  readonly persistence?: Persistence;
  readonly newId?: () => string;
  readonly host?: HostOptions;
}

/** The real host on memory stores and a simulated clock. */
export class HostEngine implements Engine {
  readonly clock: SimulatedClock;
  readonly persistence: Persistence;
  readonly host: WorkflowHost;
  /** Every batch of events the host reported appended (`events:appended`), in order. */
  readonly appended: WorkflowEvent[][] = [];
  readonly errors: { error: unknown; where: string }[] = [];
  readonly instanceIds: readonly string[];

  constructor(readonly b: BuiltScenario, o: HostEngineOptions = {}) {
    this.instanceIds = Array.from({ length: o.instances ?? 1 }, (_, i) => (i === 0 ? INSTANCE_ID : `wf-${i + 1}`));
    this.clock = o.clock ?? new SimulatedClock(T0);
    const clock = this.clock;
    this.persistence = o.persistence ?? createMemoryPersistence({ clock: () => clock.now(), newToken: sequentialIds('token') });
    this.host = new WorkflowHost({
      pollInterval: 1000,
      newId: o.newId ?? sequentialIds('ev'),
      hostId: 'host-a',
      ...o.host,
      clock,
      persistence: this.persistence,
    });
    this.host.registerWorkflow(b.built);
    this.host.on('events:appended', (e) => {
      if (e.instanceId === INSTANCE_ID) this.appended.push([...e.events]);
    });
    this.host.on('host:error', (e) => this.errors.push({ error: e.error, where: e.where }));
  }

  async open(): Promise<this> {
    await this.host.start();
    return this;
  }

  now(): number {
    return this.clock.now();
  }
  async publish(name: string, key: string, data: Json): Promise<void> {
    await this.host.publishEvent(name, key, data);
  }
  async start(data: Data): Promise<void> {
    await Promise.all(this.instanceIds.map((instanceId) => this.host.startWorkflow(WORKFLOW_ID, { instanceId, data })));
  }
  /**
   * Resume every instance that is suspended (they all are, when they run alike), one at a time:
   * resuming the next while the host works on the previous one delays it by a second (see
   * resume-latency.test.ts).
   */
  async resume(): Promise<void> {
    for (const [i, id] of this.instanceIds.entries()) {
      if (i > 0) await this.settle();
      if ((await this.host.getWorkflow(id)).status === 'suspended') await this.host.resumeWorkflow(id);
    }
  }
  async interrupt(kind: 'suspend' | 'terminate'): Promise<void> {
    for (const [i, id] of this.instanceIds.entries()) {
      if (i > 0) await this.settle();
      if ((await this.host.getWorkflow(id)).status !== 'runnable') continue;
      if (kind === 'suspend') await this.host.suspendWorkflow(id, 'interrupted by the driver');
      else await this.host.terminateWorkflow(id, 'interrupted by the driver');
    }
  }
  async settle(): Promise<void> {
    await this.host.drain({ timeoutMs: DRAIN_TIMEOUT_MS });
  }
  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
    await this.settle();
  }
  state(): Promise<InstanceState> {
    return this.host.getWorkflow(INSTANCE_ID);
  }
  history(): Promise<StoredEvent[]> {
    return this.host.history(INSTANCE_ID);
  }
  close(): Promise<void> {
    return this.host.stop();
  }
}

// ---------------------------------------------------------------------------------------------

const noChildren = {
  startChild: () => Promise.reject(new Error('generated workflows start no children')),
};

/** A reference loop over `runPointer` + `decide`, appending to a memory event log. */
export class PureEngine implements Engine {
  private t = T0;
  private s: InstanceState = EMPTY_STATE;
  private readonly published: ExternalEvent[] = [];
  private readonly newId = sequentialIds('ev');
  readonly log: EventLog;
  /** Every decision's events, in order (one entry per append). */
  readonly batches: WorkflowEvent[][] = [];
  /** Commands `decide` rejected (the host reports these as `host:error` and goes on). */
  readonly rejected: { command: Command; code: string }[] = [];

  constructor(
    readonly b: BuiltScenario,
    /** Told of every execution the loop is about to decide, with the state it ran against. */
    private readonly onExecution?: (state: InstanceState, pointerId: number, attempt: number, execution: Execution) => void,
  ) {
    this.log = createMemoryEventLog({ clock: () => this.t });
  }

  now(): number {
    return this.t;
  }
  async publish(name: string, key: string, data: Json): Promise<void> {
    this.published.push({ id: this.newId(), name, key, data, effectiveAt: this.t, publishedAt: this.t });
  }
  async start(data: Data): Promise<void> {
    await this.commit([{ type: 'Start', instanceId: INSTANCE_ID, data, definitionHash: definitionHash(this.b.built.definition) }]);
  }
  async resume(): Promise<void> {
    await this.commit([{ type: 'Resume' }]);
  }
  async interrupt(kind: 'suspend' | 'terminate'): Promise<void> {
    await this.commit([kind === 'suspend' ? { type: 'Suspend', reason: 'interrupted by the driver' } : { type: 'Terminate', reason: 'interrupted by the driver' }]);
  }
  async settle(): Promise<void> {
    for (let pass = 0; pass < 200 && this.s.status === 'runnable'; pass++) {
      const commands = await this.pending();
      if (commands.length === 0) return;
      if (!(await this.commit(commands))) return;
    }
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    await this.settle();
  }
  async state(): Promise<InstanceState> {
    return this.s;
  }
  history(): Promise<StoredEvent[]> {
    return this.log.read(INSTANCE_ID);
  }
  get events(): WorkflowEvent[] {
    return this.batches.flat();
  }

  /** What the host does in one pass: the host's own `planPass`, with this loop's published events. */
  private async pending(): Promise<Command[]> {
    const { definition, registry } = this.b.built;
    return planPass(definition, registry, this.s, {
      now: this.t,
      signal: new AbortController().signal,
      workflows: noChildren,
      middleware: [],
      findEvent: async (name, key, asOf, exclude) =>
        this.published
          .map((e, i) => ({ e, i }))
          .filter(({ e }) => e.name === name && e.key === key && e.effectiveAt >= asOf && !exclude.has(e.id))
          .sort((a, b) => a.e.effectiveAt - b.e.effectiveAt || a.i - b.i)[0]?.e,
      ...(this.onExecution ? { onExecution: this.onExecution } : {}),
    });
  }

  /** The host's own `commit` (decideAll + append), appending to this loop's memory log. */
  private async commit(commands: readonly Command[]): Promise<boolean> {
    const result = await commit(
      { definition: this.b.built.definition, state: this.s, commands, now: this.t, meta: { actor: 'pure' } },
      { append: async (r) => (await this.log.appendBatch([r]))[0]! },
    );
    for (const { command, error } of result.rejected) this.rejected.push({ command, code: error.code });
    if (result.kind === 'unchanged') return false;
    if (result.kind === 'conflict') throw new Error(`append refused: conflict at version ${this.s.version}`);
    this.batches.push([...result.events]);
    this.s = result.state;
    return true;
  }
}

/** Run a scenario on the reference loop. */
export async function runPure(
  b: BuiltScenario,
  sc: Scenario,
  onExecution?: ConstructorParameters<typeof PureEngine>[1],
): Promise<{ engine: PureEngine; result: DriveResult }> {
  const engine = new PureEngine(b, onExecution);
  const result = await drive(engine, sc, b);
  return { engine, result };
}
