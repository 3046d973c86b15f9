import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { either as E } from 'fp-ts';
import type { BuiltWorkflow } from '../domain/builder.js';
import type { Command } from '../domain/commands.js';
import { decide, decideAll } from '../domain/decide.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import { EMPTY_STATE } from '../domain/evolve.js';
import type { WorkflowEvent } from '../domain/events.js';
import { findNonJson, type Json } from '../domain/json.js';
import { nextDueAt, runnablePointers, waitingPointers } from '../domain/queries.js';
import { activePointers, findPointer, isTerminal, type InstanceState } from '../domain/state.js';
import { CHILD_ENDED_EVENT, type ChildWorkflows, type FunctionRegistry } from '../domain/step-api.js';
import { validateDefinition } from '../domain/validate-definition.js';
import type { StoredEvent } from '../ports/event-log.js';
import type { InstanceQuery, InstanceSummary } from '../ports/instance-index.js';
import type { Lease } from '../ports/lock.js';
import type { Persistence } from '../ports/persistence.js';
import { Batcher } from './batcher.js';
import { systemClock } from './clock.js';
import type { HostEventName, HostEvents, HostListener } from './hooks.js';
import { compileHostOptions, type CompiledHostOptions, type HostOptions } from './host-options.js';
import { InstanceLoader } from './instance-loader.js';
import { activityEvent, runPointer } from './step-runner.js';

interface Registered {
  readonly definition: WorkflowDefinition;
  readonly registry: FunctionRegistry;
}

export interface StartOptions {
  version?: number;
  data?: unknown;
  reference?: string;
  /** Choose the instance id (idempotent start: a second start with the same id returns it). */
  instanceId?: string;
  /** @internal set for child workflows */
  parentInstanceId?: string;
}

/** What a purge removed. */
export interface PurgeReport {
  readonly instances: readonly string[];
  /** Events deleted from the log. */
  readonly events: number;
}

export interface PendingActivity {
  readonly token: string;
  readonly activityName: string;
  readonly instanceId: string;
  readonly parameters: Json;
  readonly expiresAt: number;
}

/**
 * Runs workflows: registers definitions, starts instances, works on them, delivers events, and
 * records every state change in the log. One options object chooses the stores.
 */
export class WorkflowHost {
  private readonly opts: CompiledHostOptions;
  private readonly definitions = new Map<string, Registered>();
  private readonly emitter = new EventEmitter();
  private persistence?: Persistence;
  private ownsPersistence = false;
  private loader?: InstanceLoader;
  private appender?: Batcher<import('../ports/event-log.js').AppendRequest, import('../ports/event-log.js').AppendOutcome>;
  private enqueuer?: Batcher<{ instanceId: string; dueAt: number }>;
  private releaser?: Batcher<{ instanceId: string; nextDueAt?: number }>;
  private indexer?: Batcher<InstanceSummary>;
  private running = false;
  private stopping = false;
  private loopDone?: Promise<void>;
  private wakeLoop?: () => void;
  private readonly inflight = new Map<string, Promise<void>>();
  /** Commands (suspend, resume, terminate) this host is applying, by instance. */
  private readonly commanding = new Map<string, Promise<unknown>>();
  /** Instances this host is starting: queued, first append not yet durable. */
  private readonly starting = new Map<string, Promise<unknown>>();
  /** Instances claimed before their stream existed, and how often. */
  private readonly missing = new Map<string, number>();
  private readonly endWaiters = new Map<string, Set<() => void>>();
  private readonly stopController = new AbortController();
  private unsubscribeWakeups?: () => void;

  constructor(options: HostOptions = {}) {
    this.opts = compileHostOptions(options, { clock: systemClock, newId: randomUUID, hostId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` });
    this.emitter.setMaxListeners(0);
    for (const [name, listener] of Object.entries(options.hooks ?? {})) this.on(name as HostEventName, listener as never);
  }

  get hostId(): string {
    return this.opts.hostId;
  }

  /** Listen to telemetry (`step:failed`, `workflow:completed`, ...). Returns an unsubscribe function. */
  on<K extends HostEventName>(event: K, listener: HostListener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<K extends HostEventName>(event: K, payload: HostEvents[K]): void {
    try {
      this.emitter.emit(event, payload);
    } catch (error) {
      if (event !== 'host:error') this.emit('host:error', { error, where: `listener of ${event}` });
    }
  }

  /** Register a definition (id + version) with the functions it names. */
  registerWorkflow(workflow: BuiltWorkflow | { definition: WorkflowDefinition; registry: FunctionRegistry }): void {
    const { definition, registry } = workflow;
    validateDefinition(definition);
    const key = `${definition.id}@${definition.version}`;
    if (this.definitions.has(key)) throw new WfeError('DUPLICATE_DEFINITION', `workflow ${key} is already registered`, { id: definition.id, version: definition.version });
    this.definitions.set(key, { definition, registry });
  }

  /** The registered definition: a given version, or the highest. */
  getDefinition(id: string, version?: number): WorkflowDefinition {
    return this.resolve(id, version).definition;
  }

  private resolve(id: string, version?: number): Registered {
    if (version !== undefined) {
      const r = this.definitions.get(`${id}@${version}`);
      if (!r) throw new WfeError('UNKNOWN_DEFINITION', `workflow ${id} version ${version} is not registered${this.versionsOf(id)}`, { id, version });
      return r;
    }
    let best: Registered | undefined;
    for (const r of this.definitions.values()) if (r.definition.id === id && (!best || r.definition.version > best.definition.version)) best = r;
    if (!best) throw new WfeError('UNKNOWN_DEFINITION', `workflow ${id} is not registered`, { id });
    return best;
  }

  private versionsOf(id: string): string {
    const versions = [...this.definitions.values()].filter((r) => r.definition.id === id).map((r) => r.definition.version);
    return versions.length ? ` (registered: ${versions.join(', ')})` : '';
  }

  /** Open the stores and start working. */
  async start(): Promise<void> {
    if (this.running) return;
    let p: Persistence;
    if (!this.opts.persistence) {
      p = await openDefaultPersistence(this.opts.sqlitePath, () => this.opts.clock.now());
      this.ownsPersistence = true;
    } else p = this.opts.persistence;
    this.persistence = p;
    this.loader = new InstanceLoader(p.log, p.snapshots, this.opts.snapshotEvery);
    this.appender = new Batcher((requests) => p.log.appendBatch(requests), 500);
    this.enqueuer = new Batcher((items) => p.queue.enqueue(items));
    this.releaser = new Batcher((items) => p.queue.release(this.opts.hostId, items));
    this.indexer = new Batcher((items) => p.instances.upsert(latestPerInstance(items)));
    this.unsubscribeWakeups = p.wakeups?.onWakeup(() => this.wake());
    this.running = true;
    this.stopping = false;
    await this.recover();
    this.loopDone = this.loop();
  }

  /**
   * Queue every runnable instance of the index again (earliest due wins, so this moves nothing
   * that is queued already): a queue entry lost with a queue store that is not durable, or never
   * written, only delays work until a host starts.
   */
  private async recover(): Promise<void> {
    const pageSize = 1000;
    const now = this.opts.clock.now();
    for (let offset = 0; offset < 100_000; offset += pageSize) {
      const page = await this.p.instances.query({ status: 'runnable', limit: pageSize, offset });
      if (page.length > 0) await this.p.queue.enqueue(page.map((s) => ({ instanceId: s.instanceId, dueAt: now })));
      if (page.length < pageSize) return;
    }
  }

  /** Stop taking work, wait for the steps that are running to finish and be recorded, close what the host opened. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake();
    await this.loopDone;
    await Promise.allSettled([...this.inflight.values()]);
    this.unsubscribeWakeups?.();
    this.running = false;
    for (const waiters of this.endWaiters.values()) for (const w of waiters) w();
    if (this.ownsPersistence && this.persistence) await closeAll(this.persistence);
  }

  private get p(): Persistence {
    if (!this.persistence || !this.running) throw new WfeError('HOST_STOPPED', 'the host is not started: call start() first');
    return this.persistence;
  }

  private wake(): void {
    this.wakeLoop?.();
  }

  private async loop(): Promise<void> {
    const { clock, maxConcurrentWorkflows, leaseMs, pollInterval, hostId } = this.opts;
    while (!this.stopping) {
      let claimed: string[] = [];
      const free = maxConcurrentWorkflows - this.inflight.size;
      if (free > 0) {
        try {
          claimed = await this.p.queue.claim(hostId, clock.now(), free, leaseMs);
        } catch (error) {
          this.emit('host:error', { error, where: 'claim' });
        }
        for (const id of claimed) {
          if (this.inflight.has(id)) continue;
          const work = this.work(id).finally(() => {
            this.inflight.delete(id);
            this.wake();
          });
          this.inflight.set(id, work);
        }
      }
      if (claimed.length > 0 && claimed.length === free) continue;
      const controller = new AbortController();
      this.wakeLoop = () => controller.abort();
      let wait = pollInterval;
      try {
        const due = await this.p.queue.nextDueAt();
        if (due !== undefined) wait = Math.min(wait, Math.max(0, due - clock.now()));
      } catch {
        /* the next claim reports it */
      }
      if (this.stopping) break;
      if (wait > 0 || this.inflight.size >= maxConcurrentWorkflows) await clock.sleep(wait > 0 ? wait : pollInterval, controller.signal);
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Work on one claimed instance, then release the claim with its next due time. */
  private async work(instanceId: string): Promise<void> {
    let nextDue: number | undefined;
    try {
      nextDue = await this.process(instanceId);
    } catch (error) {
      this.emit('host:error', { error, instanceId, where: 'process' });
      this.loader?.forget(instanceId);
      nextDue = this.opts.clock.now() + this.opts.errorRetryInterval;
    }
    await this.releaser?.add({ instanceId, ...(nextDue !== undefined ? { nextDueAt: nextDue } : {}) }).catch((error) => this.emit('host:error', { error, instanceId, where: 'release' }));
  }

  private async acquire(instanceId: string): Promise<Lease | undefined> {
    return this.p.lock.acquire(instanceId, this.opts.hostId, this.opts.leaseMs);
  }

  /** Run passes over an instance until nothing is runnable. Returns when it is next due (undefined: only events wake it). */
  private async process(instanceId: string): Promise<number | undefined> {
    const { clock } = this.opts;
    // A command of this host (resume, terminate…) holds the lock and has queued the instance: let it finish.
    await this.commanding.get(instanceId)?.catch(() => undefined);
    const lease = await this.acquire(instanceId);
    if (!lease) return clock.now() + Math.min(1000, this.opts.leaseMs);
    const renew = setInterval(() => {
      void this.p.lock.renew(lease, this.opts.leaseMs).then((ok) => {
        if (!ok) this.emit('host:error', { error: new WfeError('LOCK_LOST', `lost the lease on ${instanceId}`), instanceId, where: 'renew' });
      }, () => undefined);
    }, Math.max(10, this.opts.leaseMs / 3));
    try {
      // Claimed between the queue write and the first append of a start on this host: wait for it.
      await this.starting.get(instanceId)?.catch(() => undefined);
      let state = await this.loader!.load(instanceId);
      if (!state) {
        // Queued before its first append (see startWorkflow): look again shortly; drop after a few tries
        // (the starting host died between the two writes).
        const tries = (this.missing.get(instanceId) ?? 0) + 1;
        this.missing.set(instanceId, tries);
        if (tries > 5) {
          this.missing.delete(instanceId);
          return undefined;
        }
        return clock.now() + Math.min(this.opts.pollInterval, 50) * tries;
      }
      this.missing.delete(instanceId);
      // The index row is written after the append that changed the status: the host that appended may
      // have died in between. Put it right when it disagrees with the log.
      const row = await this.p.instances.get(instanceId);
      if (!row || row.status !== state.status) void this.indexer!.add(summaryOf(state)).catch((error) => this.emit('host:error', { error, instanceId, where: 'index' }));
      if (isTerminal(state.status)) {
        // A host that died right after the terminal append never finished what follows it.
        await this.ended(state);
        return undefined;
      }
      // Subscriptions are written after the append that records a wait: make sure they exist (idempotent),
      // in case the host that appended died in between.
      await Promise.all(waitingPointers(state).map((p) => this.p.events.subscribe({ instanceId, pointerId: p.id, name: p.eventName ?? '', key: p.eventKey ?? '', asOf: p.eventAsOf ?? 0 })));
      const reg = this.resolve(state.definitionId, state.definitionVersion);
      for (let pass = 0; pass < this.opts.maxPassesPerClaim && state.status === 'runnable'; pass++) {
        const commands = await this.pendingCommands(state, reg);
        if (commands.length === 0) break;
        const next = await this.commit(state, reg, commands, lease);
        if (!next) {
          state = await this.loader!.load(instanceId, { useSnapshots: false });
          if (!state) return undefined;
          continue;
        }
        state = next;
        if (this.stopping) break;
      }
      if (isTerminal(state.status)) {
        await this.ended(state);
        return undefined;
      }
      if (state.status !== 'runnable') return undefined;
      const due = nextDueAt(state, clock.now());
      return this.stopping && due !== undefined ? Math.max(due, clock.now()) : due;
    } finally {
      clearInterval(renew);
      await this.p.lock.release(lease).catch(() => undefined);
    }
  }

  /** What this pass does: cancellations, event deliveries, then the runnable pointers' executions. */
  private async pendingCommands(state: InstanceState, reg: Registered): Promise<Command[]> {
    const commands: Command[] = [];
    for (const p of activePointers(state)) {
      const cc = reg.definition.steps[p.stepId]?.cancelCondition;
      if (!cc) continue;
      const f = reg.registry.get(cc.fn);
      if (f?.kind === 'fn' && (f.fn as (d: unknown) => boolean)(state.data)) {
        commands.push({ type: 'Cancel', pointerId: p.id, proceed: cc.proceedOnCancel, reason: 'cancel condition met' });
      }
    }
    if (commands.length > 0) return commands.slice(0, 1);
    for (const p of waitingPointers(state)) {
      const consumed = new Set<string>();
      const prefix = `${p.stepId}:`;
      for (const k of Object.keys(state.consumed)) if (k.startsWith(prefix)) consumed.add(k.slice(prefix.length));
      const [event] = await this.p.events.find(p.eventName ?? '', p.eventKey ?? '', p.eventAsOf ?? 0, consumed, 1);
      if (event) commands.push({ type: 'DeliverEvent', pointerId: p.id, event: { id: event.id, name: event.name, key: event.key, data: event.data, effectiveAt: event.effectiveAt } });
    }
    if (commands.length > 0) return commands;
    const now = this.opts.clock.now();
    const runnable = runnablePointers(state, now);
    const env = { now, signal: this.stopController.signal, workflows: this.childWorkflows(state.instanceId), middleware: this.opts.stepMiddleware };
    for (const p of runnable) {
      const step = reg.definition.steps[p.stepId];
      if (step && (step.kind === 'task' || step.kind === 'activity')) {
        this.emit('step:started', { instanceId: state.instanceId, pointerId: p.id, stepId: p.stepId, stepName: step.name, attempt: p.attempt + 1 });
      }
    }
    const executions = await Promise.all(runnable.map((p) => runPointer(reg.definition, reg.registry, state, p, env)));
    return runnable.map((p, i) => ({ type: 'Execute', pointerId: p.id, attempt: p.attempt + 1, startedAt: now, execution: executions[i]! }) as Command);
  }

  /** Decide every command in turn, append the events in one request; undefined on a version conflict. */
  private async commit(state: InstanceState, reg: Registered, commands: readonly Command[], lease?: Lease): Promise<InstanceState | undefined> {
    const decision = decideAll(reg.definition, state, commands, { now: this.opts.clock.now() });
    for (const { command, error } of decision.rejected) {
      // A result for a pointer an earlier command of this pass ended (cancelled by a failure) is stale: drop it.
      if (!(command.type === 'Execute' && error.code === 'INVALID_STATE')) {
        this.emit('host:error', { error, instanceId: state.instanceId, where: `decide ${command.type}` });
      }
    }
    const next = decision.state;
    const events = decision.events;
    if (events.length === 0) return undefined;
    const outcome = await this.appender!.add({
      streamId: state.instanceId,
      expectedVersion: state.version,
      events,
      meta: { actor: this.opts.hostId },
      ...(lease ? { fence: { owner: lease.owner, token: lease.token } } : {}),
    });
    if (!outcome.ok) {
      if (outcome.reason === 'fenced') throw new WfeError('LOCK_LOST', `the lease on ${state.instanceId} was taken over, so this host stops working on it: ${outcome.detail}`, { instanceId: state.instanceId });
      this.emit('append:conflict', { instanceId: state.instanceId, expectedVersion: state.version, ...(outcome.reason === 'conflict' ? { actualVersion: outcome.actualVersion } : {}) });
      this.loader!.forget(state.instanceId);
      return undefined;
    }
    this.loader!.remember(next);
    await this.afterAppend(state, next, events, reg);
    return next;
  }

  private async afterAppend(before: InstanceState, state: InstanceState, events: readonly WorkflowEvent[], reg: Registered): Promise<void> {
    const id = state.instanceId;
    const subs: Promise<void>[] = [];
    // The pointer of a completed step is no longer active: look it up by id (O(1)).
    const stepOf = (pointerId: number) => {
      const stepId = findPointer(state, pointerId)?.stepId ?? -1;
      return { pointerId, stepId, stepName: reg.definition.steps[stepId]?.name ?? '' };
    };
    for (const e of events) {
      switch (e.type) {
        case 'EventAwaited':
          subs.push(this.p.events.subscribe({ instanceId: id, pointerId: e.pointerId, name: e.eventName, key: e.eventKey, asOf: e.asOf }));
          break;
        case 'EventReceived':
          subs.push(this.p.events.unsubscribe(id, e.pointerId));
          break;
        case 'StepFailed':
          this.emit('step:failed', { instanceId: id, ...stepOf(e.pointerId), error: e.error });
          break;
        case 'StepCompleted':
          this.emit('step:completed', { instanceId: id, ...stepOf(e.pointerId) });
          break;
        case 'WorkflowSuspended':
          this.emit('workflow:suspended', { instanceId: id, reason: e.reason });
          break;
        case 'WorkflowResumed':
          this.emit('workflow:resumed', { instanceId: id });
          break;
        case 'WorkflowTerminated':
          this.emit('workflow:terminated', { instanceId: id, reason: e.reason });
          break;
        default:
          break;
      }
    }
    await Promise.all(subs);
    if (before.status !== state.status || before.version === 0) void this.indexer!.add(summaryOf(state)).catch((error) => this.emit('host:error', { error, instanceId: id, where: 'index' }));
    void this.loader!.maybeSnapshot(state).catch((error) => this.emit('host:error', { error, instanceId: id, where: 'snapshot' }));
    this.emit('events:appended', { instanceId: id, events, version: state.version });
    if (isTerminal(state.status) && !isTerminal(before.status)) await this.ended(state);
  }

  private readonly endedOnce = new Set<string>();
  private async ended(state: InstanceState): Promise<void> {
    const id = state.instanceId;
    if (this.endedOnce.has(id)) return;
    this.endedOnce.add(id);
    if (this.endedOnce.size > 100_000) this.endedOnce.clear();
    await this.indexer!.add(summaryOf(state)).catch((error) => this.emit('host:error', { error, instanceId: id, where: 'index' }));
    if (state.status === 'complete') this.emit('workflow:completed', { instanceId: id, state });
    if (state.status === 'failed') this.emit('workflow:failed', { instanceId: id, state, ...(state.failing ? { error: state.failing } : {}) });
    for (const mw of this.opts.workflowMiddleware) {
      try {
        await mw.post?.(state);
      } catch (error) {
        this.emit('host:error', { error, instanceId: id, where: 'post-workflow middleware' });
      }
    }
    if (state.parentInstanceId) {
      await this.publishEvent(CHILD_ENDED_EVENT, id, { status: state.status, data: state.data, ...(state.failing ? { error: state.failing as unknown as Json } : {}) });
    }
    const waiters = this.endWaiters.get(id);
    if (waiters) for (const w of waiters) w();
  }

  private childWorkflows(parentInstanceId: string): ChildWorkflows {
    return {
      startChild: (r) => this.startWorkflow(r.definitionId, { ...(r.version !== undefined ? { version: r.version } : {}), data: r.data, instanceId: r.childId, parentInstanceId }),
    };
  }

  /** Start an instance; returns its id once `WorkflowStarted` is durable. */
  async startWorkflow(definitionId: string, options: StartOptions = {}): Promise<string> {
    const reg = this.resolve(definitionId, options.version);
    const p = this.p;
    const data = (options.data ?? {}) as Json;
    const bad = findNonJson(data);
    if (bad) throw new WfeError('NOT_SERIALISABLE', `workflow data for ${definitionId} is not JSON at ${bad}`, { path: bad });
    const instanceId = options.instanceId ?? this.opts.newId();
    for (const mw of this.opts.workflowMiddleware) await mw.pre?.({ instanceId, definitionId, version: reg.definition.version, data });
    const r = decide(reg.definition, EMPTY_STATE, {
      type: 'Start',
      instanceId,
      data,
      ...(options.reference !== undefined ? { reference: options.reference } : {}),
      ...(options.parentInstanceId !== undefined ? { parentInstanceId: options.parentInstanceId } : {}),
    }, { now: this.opts.clock.now() });
    if (E.isLeft(r)) throw r.left;
    // Queue first: a crash after this leaves an entry for a stream that may not exist (dropped when claimed),
    // never a started instance that no one will work on.
    const appended = this.enqueuer!.add({ instanceId, dueAt: this.opts.clock.now() }).then(() =>
      this.appender!.add({ streamId: instanceId, expectedVersion: 0, events: r.right.events, meta: { actor: this.opts.hostId } }),
    );
    this.starting.set(instanceId, appended);
    let outcome: Awaited<typeof appended>;
    try {
      outcome = await appended;
    } finally {
      if (this.starting.get(instanceId) === appended) this.starting.delete(instanceId);
    }
    if (!outcome.ok) {
      if (options.instanceId !== undefined) return instanceId;
      throw new WfeError('CONCURRENCY_CONFLICT', `instance ${instanceId} already exists`);
    }
    this.loader!.remember(r.right.state);
    void this.indexer!.add(summaryOf(r.right.state)).catch((error) => this.emit('host:error', { error, instanceId, where: 'index' }));
    this.emit('workflow:started', { instanceId, definitionId, version: reg.definition.version });
    this.emit('events:appended', { instanceId, events: r.right.events, version: r.right.state.version });
    this.wake();
    void p.wakeups?.notify().catch(() => undefined);
    return instanceId;
  }

  /** Publish an event to a name and key; every wait on them (now or later, as of its time) receives it. */
  async publishEvent(name: string, key: string, data: unknown = null, effectiveAt?: number): Promise<string> {
    const p = this.p;
    const bad = findNonJson(data);
    if (bad) throw new WfeError('NOT_SERIALISABLE', `event data is not JSON at ${bad}`, { path: bad });
    const now = this.opts.clock.now();
    const id = this.opts.newId();
    await p.events.publish({ id, name, key, data: (data ?? null) as Json, effectiveAt: effectiveAt ?? now, publishedAt: now });
    const subs = await p.events.subscribers(name, key);
    if (subs.length > 0) {
      await p.queue.enqueue(subs.map((s) => ({ instanceId: s.instanceId, dueAt: now })));
      this.wake();
      void p.wakeups?.notify().catch(() => undefined);
    }
    return id;
  }

  /** Apply a command to an instance outside its normal flow (suspend, resume, terminate, data change). */
  private async command(instanceId: string, command: Command): Promise<InstanceState> {
    const running = this.runCommand(instanceId, command);
    this.commanding.set(instanceId, running);
    try {
      return await running;
    } finally {
      if (this.commanding.get(instanceId) === running) this.commanding.delete(instanceId);
    }
  }

  private async runCommand(instanceId: string, command: Command): Promise<InstanceState> {
    for (let tries = 0; ; tries++) {
      await this.inflight.get(instanceId)?.catch(() => undefined);
      const lease = await this.acquire(instanceId);
      if (!lease) {
        if (tries > 200) throw new WfeError('TIMEOUT', `instance ${instanceId} stayed locked by another worker`);
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      try {
        const state = await this.loader!.load(instanceId);
        if (!state) throw new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${instanceId}`, { instanceId });
        const reg = this.resolve(state.definitionId, state.definitionVersion);
        const r = decide(reg.definition, state, command, { now: this.opts.clock.now() });
        if (E.isLeft(r)) throw r.left;
        // Queue first (as startWorkflow does): a crash after the append must not leave a resumed
        // instance with no queue entry.
        await this.enqueuer!.add({ instanceId, dueAt: this.opts.clock.now() });
        const next = await this.commit(state, reg, [command], lease);
        if (!next) continue;
        this.wake();
        return next;
      } finally {
        await this.p.lock.release(lease).catch(() => undefined);
      }
    }
  }

  /** Suspend a runnable workflow: nothing runs until it is resumed. */
  async suspendWorkflow(instanceId: string, reason = 'suspended by request'): Promise<void> {
    await this.command(instanceId, { type: 'Suspend', reason });
  }

  /** Resume a suspended workflow: a failed step runs again at once. */
  async resumeWorkflow(instanceId: string): Promise<void> {
    await this.command(instanceId, { type: 'Resume' });
  }

  /** Terminate a workflow: nothing else runs. */
  async terminateWorkflow(instanceId: string, reason = 'terminated by request'): Promise<void> {
    await this.command(instanceId, { type: 'Terminate', reason });
  }

  /** The instance's current state (folded from the log). */
  async getWorkflow(instanceId: string): Promise<InstanceState> {
    const state = await this.loader!.load(instanceId);
    if (!state) throw new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${instanceId}`, { instanceId });
    return state;
  }

  /** The instance's events as stored (with envelope: version, time, actor, hash). */
  async history(instanceId: string): Promise<StoredEvent[]> {
    return this.p.log.read(instanceId);
  }

  /** Instances by status, definition, reference or age. */
  async searchWorkflows(query: InstanceQuery = {}): Promise<InstanceSummary[]> {
    return this.p.instances.query(query);
  }

  /** Resolves when the instance has ended (complete, terminated or failed); rejects with TIMEOUT after `timeoutMs` of real time. */
  async waitForCompletion(instanceId: string, options: { timeoutMs?: number } = {}): Promise<InstanceState> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const state = await this.getWorkflow(instanceId);
      if (isTerminal(state.status)) return state;
      if (!this.running) throw new WfeError('HOST_STOPPED', 'the host stopped before the workflow ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new WfeError('TIMEOUT', `workflow ${instanceId} did not end in time (status ${state.status})`, { instanceId, status: state.status });
      await new Promise<void>((resolve) => {
        const set = this.endWaiters.get(instanceId) ?? new Set();
        this.endWaiters.set(instanceId, set);
        const done = () => {
          clearTimeout(t);
          set.delete(done);
          if (set.size === 0) this.endWaiters.delete(instanceId);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, this.opts.pollInterval));
        set.add(done);
      });
    }
  }

  /**
   * Resolves once the host is idle: nothing being worked on and nothing due at the clock's current
   * time. With a simulated clock, tests call this after `advance()`.
   */
  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline) throw new WfeError('TIMEOUT', 'the host did not become idle in time');
      await new Promise((r) => setTimeout(r, 1));
      const due = await this.p.queue.nextDueAt();
      const busy = this.inflight.size > 0 || (due !== undefined && due <= this.opts.clock.now());
      if (busy) this.wake();
      quiet = busy ? 0 : quiet + 1;
    }
  }

  /** Start a workflow and wait for it to end. */
  async runSync(definitionId: string, options: StartOptions & { timeoutMs?: number } = {}): Promise<InstanceState> {
    const id = await this.startWorkflow(definitionId, options);
    return this.waitForCompletion(id, options);
  }

  /** For an external worker: claim the oldest pending activity of this name, or undefined. */
  async getPendingActivity(activityName: string, workerId: string, options: { ttlMs?: number } = {}): Promise<PendingActivity | undefined> {
    const claim = await this.p.events.claimActivity(activityName, workerId, this.opts.clock.now(), options.ttlMs ?? 60_000);
    if (!claim) return undefined;
    const state = await this.getWorkflow(claim.instanceId);
    const p = findPointer(state, claim.pointerId);
    return { token: claim.token, activityName, instanceId: claim.instanceId, parameters: p?.activity?.parameters ?? null, expiresAt: claim.expiresAt };
  }

  /** Complete a claimed activity with its result (the activity step's output). */
  async submitActivitySuccess(token: string, result: unknown = null): Promise<void> {
    await this.submitActivity(token, { ok: true, result: result as Json });
  }

  /** Fail a claimed activity: the activity step fails with this error. */
  async submitActivityFailure(token: string, error: { type?: string; message: string }): Promise<void> {
    await this.submitActivity(token, { ok: false, error: { type: error.type ?? 'ActivityFailed', message: error.message } });
  }

  private async submitActivity(token: string, reply: Json): Promise<void> {
    const claim = await this.p.events.activityByToken(token);
    if (!claim) throw new WfeError('INVALID_COMMAND', `activity token ${token} is unknown or expired`);
    const ev = activityEvent(claim.activityName, claim.instanceId, claim.pointerId);
    await this.publishEvent(ev.name, ev.key, reply);
  }

  /**
   * Purge ended instances (complete, terminated, failed; or the statuses given) that ended before
   * `before`: their streams, snapshots, queue entries, subscriptions and index rows. Instances that
   * have not ended are never purged. Returns what was removed.
   */
  async purge(options: { before: number; statuses?: readonly ('complete' | 'terminated' | 'failed')[]; limit?: number }): Promise<PurgeReport> {
    const statuses = options.statuses ?? ['complete', 'terminated', 'failed'];
    const found = await this.p.instances.query({ status: statuses, before: options.before, limit: options.limit ?? 10_000 });
    const ids = found.filter((s) => isTerminal(s.status) && (s.completedAt ?? s.createdAt) < options.before).map((s) => s.instanceId);
    return this.removeInstances(ids);
  }

  /** Delete one instance by id, whatever its state (a running one is terminated first). */
  async deleteInstance(instanceId: string): Promise<PurgeReport> {
    const state = await this.loader!.load(instanceId);
    if (!state) throw new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${instanceId}`, { instanceId });
    if (!isTerminal(state.status)) await this.terminateWorkflow(instanceId, 'deleted');
    return this.removeInstances([instanceId]);
  }

  private async removeInstances(ids: readonly string[]): Promise<PurgeReport> {
    if (ids.length === 0) return { instances: [], events: 0 };
    const p = this.p;
    // Let this host finish what it is doing with them (its end-of-life work would write them back).
    await Promise.all(ids.map((id) => Promise.all([this.inflight.get(id), this.commanding.get(id)]).catch(() => undefined)));
    await p.queue.remove(ids);
    const events = await p.log.deleteStreams(ids);
    await Promise.all([p.snapshots.delete(ids), p.events.removeInstances(ids), p.instances.remove(ids)]);
    for (const id of ids) this.loader!.forget(id);
    return { instances: [...ids], events };
  }

  /** The stores this host uses (for projections, purge and tools). */
  get stores(): Persistence {
    return this.p;
  }
}

/** The embedded default: SQLite, loaded only when used so that other stores need no native module. */
async function openDefaultPersistence(path: string, clock: () => number): Promise<Persistence> {
  const modulePath = '../adapters/sqlite/index.js';
  const mod = (await import(modulePath)) as { createSqlitePersistence: (o: { path: string; clock: () => number }) => Persistence | Promise<Persistence> };
  return mod.createSqlitePersistence({ path, clock });
}

function summaryOf(s: InstanceState): InstanceSummary {
  return {
    instanceId: s.instanceId,
    definitionId: s.definitionId,
    definitionVersion: s.definitionVersion,
    ...(s.reference !== undefined ? { reference: s.reference } : {}),
    status: s.status,
    createdAt: s.createdAt,
    ...(s.completedAt !== undefined ? { completedAt: s.completedAt } : {}),
    version: s.version,
    // The search-document members stay empty until the instance-summary projection writes rows.
    updatedAt: s.completedAt ?? s.createdAt,
    ...(s.parentInstanceId !== undefined ? { parentInstanceId: s.parentInstanceId } : {}),
    waiting: [],
    sleeping: [],
    failedSteps: [],
    fields: {},
    text: '',
  };
}

function latestPerInstance(items: readonly InstanceSummary[]): InstanceSummary[] {
  const m = new Map<string, InstanceSummary>();
  for (const s of items) {
    const prev = m.get(s.instanceId);
    if (!prev || prev.version <= s.version) m.set(s.instanceId, s);
  }
  return [...m.values()];
}

async function closeAll(p: Persistence): Promise<void> {
  const closers = [p.wakeups, p.queue, p.lock, p.events, p.instances, p.log];
  const seen = new Set<unknown>();
  for (const c of closers) {
    if (!c || seen.has(c)) continue;
    seen.add(c);
    await c.close().catch(() => undefined);
  }
}

