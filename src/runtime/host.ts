import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import type { Json } from '../domain/json.js';
import type { InstanceState } from '../domain/state.js';
import type { ChildWorkflows } from '../domain/step-api.js';
import { validatePublishArgs } from '../domain/validate-args.js';
import { pathPatches, type ForkPatch } from '../domain/fork.js';
import { forkInstance, type ForkInstanceOptions } from '../inspect/fork-instance.js';
import type { StoredEvent } from '../ports/event-log.js';
import type { InstanceQuery, InstanceSummary, SearchPage, SearchQuery } from '../ports/instance-index.js';
import type { Persistence } from '../ports/persistence.js';
import { createProjectionAdmin, type ProjectionAdmin } from '../projections/admin.js';
import { validateSearchQuery } from '../projections/search-query.js';
import type { OpenActivity, PendingActivity } from './activities.js';
import { assembleRuntime, requeueRunnable, type Runtime } from './assemble.js';
import { callMeta, type CallerMeta } from './call-meta.js';
import { systemClock } from './clock.js';
import { closePersistence, openDefaultPersistence } from './default-persistence.js';
import { DefinitionRegistry, type Registration } from './definition-registry.js';
import type { HostEventName, HostListener } from './hooks.js';
import { compileHostOptions, type CompiledHostOptions, type HostOptions } from './host-options.js';
import type { PurgeableStatus, PurgeReport } from './retention.js';
import { Telemetry } from './runtime-context.js';
import type { StartOptions } from './starter.js';
import { isDone, type InstanceId, type TypedState, type WaitUntil, type WorkflowHandle } from './handles.js';
import type { BuiltWorkflow } from '../domain/builder.js';
import { publishToStore } from './publish.js';
import { EndWaiters } from './waiters.js';

export type { StartOptions } from './starter.js';
export type { PurgeReport } from './retention.js';
export type { OpenActivity, PendingActivity } from './activities.js';
export type { CallerMeta } from './call-meta.js';

/**
 * Runs workflows: registers definitions, starts instances, works on them, delivers events, and
 * records every state change in the log. A facade over the runtime's parts (registry, scheduler,
 * instance worker, pass, commit, reconcile, control, activities, retention); one options object
 * chooses the stores.
 */
export class WorkflowHost {
  private readonly opts: CompiledHostOptions;
  private readonly telemetry = new Telemetry();
  private readonly registry = new DefinitionRegistry();
  private readonly endWaiters = new EndWaiters();
  private running?: Runtime & { readonly ownsPersistence: boolean };

  constructor(options: HostOptions = {}) {
    this.opts = compileHostOptions(options, { clock: systemClock, newId: randomUUID, hostId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` });
    for (const [name, listener] of Object.entries(options.hooks ?? {})) this.on(name as HostEventName, listener as never);
  }

  get hostId(): string {
    return this.opts.hostId;
  }

  /** Listen to telemetry (`step:failed`, `workflow:completed`, ...). Returns an unsubscribe function. */
  on<K extends HostEventName>(event: K, listener: HostListener<K>): () => void {
    return this.telemetry.on(event, listener);
  }

  /** Register a definition (id + version) with the functions it names; stored in the definition store once the host starts. */
  registerWorkflow(workflow: Registration): void {
    this.registry.register(workflow);
  }

  /** The registered definition: a given version, or the highest. */
  getDefinition(id: string, version?: number): WorkflowDefinition {
    return this.registry.resolve(id, version).definition;
  }

  /** Open the stores, save the registered definitions (DEFINITION_CONFLICT when a stored one differs) and start working. */
  async start(): Promise<void> {
    if (this.running) return;
    const p = this.opts.persistence ?? (await openDefaultPersistence(this.opts.sqlitePath, () => this.opts.clock.now()));
    const ownsPersistence = !this.opts.persistence;
    try {
      await this.registry.attach(p.definitions, () => this.opts.clock.now());
    } catch (e) {
      if (ownsPersistence) await closePersistence(p);
      throw e;
    }
    const running = await assembleRuntime(this.opts, p, this.telemetry, this.registry, {
      publish: (n, k, d) => this.publishEvent(n, k, d),
      load: (id) => this.getWorkflow(id),
      children: (parent) => this.childWorkflows(parent),
      ended: (id, state) => this.endWaiters.wake(id, state),
      changed: (id, state) => this.endWaiters.wake(id, state),
    });
    this.running = Object.assign(running, { ownsPersistence });
    await requeueRunnable(running.rt);
    running.scheduler.start();
    running.daemon.start();
  }

  /** Stop taking work, wait for the steps that are running to finish and be recorded, close what the host opened. */
  async stop(): Promise<void> {
    const r = this.running;
    if (!r || r.stopping) return;
    r.stopping = true;
    await r.scheduler.stopped();
    await Promise.allSettled([...r.rt.work.inflight.values()]);
    await r.daemon.stop();
    r.stop.abort();
    this.running = undefined;
    this.registry.detach();
    this.endWaiters.wake();
    if (r.ownsPersistence) await closePersistence(r.rt.p);
  }

  private get r(): Runtime & { readonly ownsPersistence: boolean } {
    if (!this.running) throw new WfeError('HOST_STOPPED', 'the host is not started: call start() first');
    return this.running;
  }

  private childWorkflows(parentInstanceId: string): ChildWorkflows {
    return {
      startChild: (c) => this.startWorkflow(c.definitionId, { ...(c.version !== undefined ? { version: c.version } : {}), data: c.data, instanceId: c.childId, parentInstanceId }),
    };
  }

  /**
   * Start an instance; returns its id once `WorkflowStarted` (and its index row) is durable. Given
   * the built workflow instead of its id, the data is typed and the id remembers the type (a
   * workflow not registered yet is registered first).
   */
  startWorkflow<T>(workflow: BuiltWorkflow<T>, options?: StartOptions<T>): Promise<InstanceId<T>>;
  startWorkflow(definitionId: string, options?: StartOptions): Promise<InstanceId>;
  startWorkflow(workflow: string | BuiltWorkflow<unknown>, options: StartOptions = {}): Promise<InstanceId> {
    return this.startAny(workflow, options);
  }

  /** Start by id, or by built workflow (registered first when it is not yet). */
  private startAny(workflow: string | BuiltWorkflow<unknown>, options: StartOptions): Promise<InstanceId> {
    if (typeof workflow === 'string') return this.r.starter.start(workflow, options);
    const { id, version } = workflow.definition;
    if (!this.registry.has(id, version)) this.registerWorkflow(workflow);
    return this.r.starter.start(id, { ...options, version });
  }

  /** Start an instance and return a handle on it (state, result, suspend, resume, terminate), typed by its data. */
  async startHandle<T>(workflow: BuiltWorkflow<T>, options?: StartOptions<T>): Promise<WorkflowHandle<T>> {
    return this.handle(await this.startWorkflow(workflow, options));
  }

  /** A handle on an instance by id. */
  handle<T = Json>(instanceId: InstanceId<T>): WorkflowHandle<T> {
    return {
      instanceId,
      state: () => this.getWorkflow(instanceId),
      result: (options) => this.waitForCompletion(instanceId, options),
      suspend: (reason) => this.suspendWorkflow(instanceId, reason),
      resume: () => this.resumeWorkflow(instanceId),
      terminate: (reason) => this.terminateWorkflow(instanceId, reason),
    };
  }

  /** Publish an event to a name and key; every wait on them (now or later, as of its time) receives it. */
  async publishEvent(name: string, key: string, data: unknown = null, effectiveAt?: number): Promise<string> {
    const { rt } = this.r;
    const args = validatePublishArgs(name, key, data, effectiveAt);
    const id = rt.opts.newId();
    if ((await publishToStore(rt.p, args, rt.opts.clock.now(), id)) > 0) rt.wake();
    return id;
  }

  /** Suspend a runnable workflow: nothing runs until it is resumed. `who` is recorded with the event. */
  async suspendWorkflow(instanceId: string, reason = 'suspended by request', who?: CallerMeta): Promise<void> {
    await this.r.control.apply(instanceId, { type: 'Suspend', reason }, callMeta(this.hostId, who, 'suspend', reason));
  }

  /** Resume a suspended workflow: a failed step runs again at once. */
  async resumeWorkflow(instanceId: string, who?: CallerMeta): Promise<void> {
    await this.r.control.apply(instanceId, { type: 'Resume' }, callMeta(this.hostId, who, 'resume'));
  }

  /** Terminate a workflow: nothing else runs. */
  async terminateWorkflow(instanceId: string, reason = 'terminated by request', who?: CallerMeta): Promise<void> {
    await this.r.control.apply(instanceId, { type: 'Terminate', reason }, callMeta(this.hostId, who, 'terminate', reason));
  }

  /**
   * Correct the data of an instance that has not completed (suspended, failed, or runnable between
   * steps): each path (`customer.name`) set to its value, recorded as `DataChanged` with who and why.
   */
  async changeData(instanceId: string, changes: readonly ForkPatch[], who?: CallerMeta): Promise<InstanceState> {
    const state = await this.getWorkflow(instanceId);
    const reason = who?.reason ?? 'data changed by request';
    return this.r.control.apply(instanceId, { type: 'ChangeData', patches: pathPatches(state.data, changes), reason }, callMeta(this.hostId, who, 'changeData', reason));
  }

  /**
   * A new instance whose log is this one's up to `atVersion` plus `ForkedFrom` (and the corrected
   * `data` / `patch`), run live by this host with today's code. Returns the new id.
   */
  async fork(instanceId: string, options: ForkInstanceOptions): Promise<string> {
    const { rt } = this.r;
    const forked = await forkInstance(rt.p, instanceId, { actor: this.hostId, ...options }, { now: () => rt.opts.clock.now(), newId: rt.opts.newId, index: rt.opts.index });
    rt.wake();
    return forked.instanceId;
  }

  /** The instance's current state (folded from the log). */
  async getWorkflow<T = Json>(instanceId: InstanceId<T>): Promise<TypedState<T>> {
    const state = await this.r.rt.loader.load(instanceId);
    if (!state) throw new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${instanceId}`, { instanceId });
    return state as TypedState<T>;
  }

  /** The instance's events as stored (with envelope: version, time, actor, hash). */
  history(instanceId: string): Promise<StoredEvent[]> {
    return this.r.rt.p.log.read(instanceId);
  }

  /** Instances by status, definition, reference or age (simple listing; see `search`). */
  searchWorkflows(query: InstanceQuery = {}): Promise<InstanceSummary[]> {
    return this.r.rt.p.instances.query(query);
  }

  /** Search the index: free text, filters (status, definition, dates, waits, failed steps, data fields), sort, cursor paging. */
  search(query: SearchQuery = {}): Promise<SearchPage> {
    validateSearchQuery(query); // INVALID_QUERY naming the bad part, before any store sees it
    return this.r.rt.p.instances.search(query);
  }

  /**
   * Resolves when the instance has ended (complete, terminated or failed), or with `until: 'settled'`
   * also when it is suspended or has nothing to do now (waiting for an event, sleeping); rejects with
   * TIMEOUT after `timeoutMs` of real time.
   */
  async waitForCompletion<T = Json>(instanceId: InstanceId<T>, options: { timeoutMs?: number; until?: WaitUntil } = {}): Promise<TypedState<T>> {
    const until = options.until ?? 'ended';
    const state = await this.endWaiters.until(
      instanceId,
      () => this.getWorkflow(instanceId) as Promise<InstanceState>,
      (s) => isDone(s, until, this.opts.clock.now()),
      () => this.running !== undefined && !this.running.stopping,
      options.timeoutMs ?? 30_000,
      this.opts.pollInterval,
    );
    return state as TypedState<T>;
  }

  /**
   * Resolves once the host is idle: nothing being worked on and nothing due at the clock's current
   * time. With a simulated clock, tests call this after `advance()`.
   */
  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const { rt, scheduler } = this.r;
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (let quiet = 0; quiet < 3; ) {
      if (Date.now() > deadline) throw new WfeError('TIMEOUT', 'the host did not become idle in time');
      await new Promise((r) => setTimeout(r, 1));
      const due = await rt.p.queue.nextDueAt();
      const busy = rt.work.inflight.size > 0 || (due !== undefined && due <= rt.opts.clock.now());
      if (busy) scheduler.wake();
      quiet = busy ? 0 : quiet + 1;
    }
  }

  /** Start a workflow and wait for it to end. */
  async runSync<T>(workflow: BuiltWorkflow<T>, options?: StartOptions<T> & { timeoutMs?: number }): Promise<TypedState<T>>;
  async runSync(definitionId: string, options?: StartOptions & { timeoutMs?: number }): Promise<TypedState>;
  async runSync(workflow: string | BuiltWorkflow<unknown>, options: StartOptions & { timeoutMs?: number } = {}): Promise<TypedState<unknown>> {
    return this.waitForCompletion(await this.startAny(workflow, options), options);
  }

  /**
   * For an external worker: claim the oldest pending activity of this name for `ttlMs` (default 60 s),
   * or undefined; with `waitMs`, wait up to that long for one to come.
   */
  getPendingActivity(activityName: string, workerId: string, options: { ttlMs?: number; waitMs?: number } = {}): Promise<PendingActivity | undefined> {
    return this.r.activities.claim(activityName, workerId, options);
  }

  /** Activity steps waiting for a worker (claimed or not): of one instance, of one name, or all. */
  listActivities(filter: { activityName?: string; instanceId?: string; limit?: number } = {}): Promise<OpenActivity[]> {
    return this.r.activities.list(filter);
  }

  /** Give a claimed activity back before its claim expires (another worker may take it at once). */
  releaseActivity(token: string): Promise<void> {
    return this.r.activities.release(token);
  }

  /** Complete a claimed activity with its result (the activity step's output). */
  submitActivitySuccess(token: string, result: unknown = null): Promise<void> {
    return this.r.activities.submit(token, { ok: true, result: result as Json });
  }

  /** Fail a claimed activity: the activity step fails with this error. */
  submitActivityFailure(token: string, error: { type?: string; message: string }): Promise<void> {
    return this.r.activities.submit(token, { ok: false, error: { type: error.type ?? 'ActivityFailed', message: error.message } });
  }

  /**
   * Purge ended instances (complete, terminated, failed; or the statuses given) that ended before
   * `before`, with everything derived from them. Instances that have not ended are never purged.
   */
  purge(options: { before: number; statuses?: readonly PurgeableStatus[]; limit?: number; actor?: string; reason?: string }): Promise<PurgeReport> {
    return this.r.retention.purge(options);
  }

  /** Delete one instance by id, whatever its state (a running one is terminated first). */
  async deleteInstance(instanceId: string): Promise<PurgeReport> {
    const state = await this.getWorkflow(instanceId);
    if (state.status === 'runnable' || state.status === 'suspended') await this.terminateWorkflow(instanceId, 'deleted');
    return this.r.retention.remove([instanceId]);
  }

  /** Resolves once this host's async projections (step rows, counters) have applied everything appended so far. */
  projectionsCaughtUp(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.r.daemon.caughtUp(options.timeoutMs);
  }

  /** List, rebuild and verify the projections of this host's stores. */
  projections(): Promise<ProjectionAdmin> {
    const { rt } = this.r;
    return createProjectionAdmin(rt.p, { index: this.opts.index, now: () => this.opts.clock.now() });
  }

  /** The stores this host uses (for projections, purge and tools). */
  get stores(): Persistence {
    return this.r.rt.p;
  }
}
