import type { WorkflowDefinition } from '../domain/definition.js';
import type { Json } from '../domain/json.js';
import type { ChildWorkflows } from '../domain/step-api.js';
import { inlineWorkOf, type Persistence } from '../ports/persistence.js';
import { builtInProjections } from '../projections/catalog.js';
import type { DefinitionLookup } from '../projections/definitions-lookup.js';
import { signHead } from '../log/signing.js';
import { Activities } from './activities.js';
import { Control } from './control.js';
import type { DefinitionRegistry } from './definition-registry.js';
import type { CompiledHostOptions } from './host-options.js';
import { InlineProjections } from './inline-projections.js';
import { InstanceLoader } from './instance-loader.js';
import { InstanceWorker, RELEASED } from './instance-worker.js';
import { ProjectionDaemon } from './projection-daemon.js';
import { Reconciler } from './reconcile.js';
import { Retention } from './retention.js';
import { coalescedNotify, createWriters, type RuntimeContext, type Telemetry } from './runtime-context.js';
import { Scheduler } from './scheduler.js';
import { Slicer } from './slicer.js';
import { Starter } from './starter.js';
import type { InstanceState } from '../domain/state.js';

/** The parts of a started host. */
export interface Runtime {
  readonly rt: RuntimeContext;
  readonly scheduler: Scheduler;
  readonly starter: Starter;
  readonly control: Control;
  readonly activities: Activities;
  readonly retention: Retention;
  readonly daemon: ProjectionDaemon;
  readonly stop: AbortController;
  stopping: boolean;
}

/** What the parts call back on the host (its public calls, which they share with users). */
export interface HostCalls {
  publish(name: string, key: string, data: Json): Promise<unknown>;
  load(instanceId: string): Promise<InstanceState>;
  children(parentInstanceId: string): ChildWorkflows;
  ended(instanceId: string, state: InstanceState): void;
  changed(instanceId: string, state: InstanceState): void;
}

/**
 * Wire the runtime's parts on an opened persistence whose definitions are stored: the shared
 * context, then scheduler -> instance worker (pass, commit, reconcile), starter, control,
 * activities, retention and the async projections' daemon.
 */
export async function assembleRuntime(opts: CompiledHostOptions, p: Persistence, telemetry: Telemetry, registry: DefinitionRegistry, host: HostCalls): Promise<Runtime> {
  // Steps are named from the registered definitions, else from the stored ones (other hosts').
  const stored = new Map((await p.definitions.list()).map((d) => [`${d.id}@${d.version}`, d.definition as unknown as WorkflowDefinition]));
  const lookup: DefinitionLookup = (id, version) => {
    try {
      return registry.resolve(id, version).definition;
    } catch {
      return stored.get(`${id}@${version}`);
    }
  };
  telemetry.logger = opts.logger;
  const tel = opts.telemetry;
  if (tel.enabled) {
    telemetry.on('workflow:started', (e) => tel.record('workflows.started', 1, { 'wfe.definition_id': e.definitionId }));
    telemetry.on('workflow:completed', (e) => tel.record('workflows.completed', 1, { 'wfe.definition_id': e.state.definitionId }));
    telemetry.on('workflow:failed', (e) => tel.record('workflows.failed', 1, { 'wfe.definition_id': e.state.definitionId }));
  }
  const stop = new AbortController();
  const late: { scheduler?: Scheduler } = {};
  const state = { stopping: false };
  const rt: RuntimeContext = {
    opts,
    p,
    inlineWork: inlineWorkOf(p),
    telemetry,
    registry,
    loader: new InstanceLoader(p.log, p.snapshots, (r) => telemetry.emit('snapshot:refused', r)),
    writers: createWriters(p, opts.hostId, opts.signing ? (hash) => signHead(opts.signing!.privateKey, hash) : undefined),
    inline: new InlineProjections(lookup, opts.index, opts.snapshotEvery),
    hostMeta: { actor: opts.hostId },
    traces: new Map(),
    work: { inflight: new Map(), commanding: new Map(), starting: new Map() },
    slicer: new Slicer(),
    stopSignal: stop.signal,
    stopping: () => state.stopping,
    wake: () => late.scheduler?.wake(),
    notifyOthers: coalescedNotify(p),
  };
  const reconciler = new Reconciler(rt, { publish: host.publish, ended: host.ended, changed: host.changed });
  const worker = new InstanceWorker(rt, reconciler, host.children);
  // Run one instance (claimed by the loop, or handed over by a start), then finish its claim unless
  // its last commit did: kept due at its next due time (a timer) or dropped.
  const runInstance = async (id: string, adopted?: Parameters<InstanceWorker['process']>[1]): Promise<void> => {
    let nextDueAt: number | undefined;
    try {
      const out = await worker.process(id, adopted);
      if (out === RELEASED) return;
      nextDueAt = out;
    } catch (error) {
      rt.telemetry.emit('host:error', { error, instanceId: id, where: 'process' });
      rt.loader.forget(id);
      nextDueAt = opts.clock.now() + opts.errorRetryInterval;
    }
    await rt.writers.release.add({ instanceId: id, ...(nextDueAt !== undefined ? { nextDueAt } : {}) }).catch(rt.telemetry.report('release', id));
    // Due again (a timer, or work that arrived during the claim): the loop may be asleep past it.
    scheduler.wake();
  };
  const scheduler = new Scheduler(rt, (id, claim) => runInstance(id, claim));
  late.scheduler = scheduler;
  const unsubscribe = p.wakeups?.onWakeup(() => scheduler.wake());
  stop.signal.addEventListener('abort', () => unsubscribe?.(), { once: true });
  const activities = new Activities(() => p.events, () => p.instances, () => opts.clock.now(), host.load, host.publish);
  // An activity step that starts waiting wakes workers waiting in getPendingActivity.
  telemetry.on('events:appended', (e) => {
    if (e.events.some((x) => x.type === 'EventAwaited' && x.activity)) activities.offered();
  });
  const asyncProjections = opts.asyncProjections ? builtInProjections(p, lookup, opts.index).filter((b) => b.projection.lifecycle === 'async') : [];
  return Object.assign(state, {
    rt,
    scheduler,
    starter: new Starter(rt, reconciler, {
      reserve: () => scheduler.reserve(),
      unreserve: () => scheduler.unreserve(),
      adopt: (id, lease, started) => scheduler.adopt(id, () => runInstance(id, { lease, state: started })),
    }),
    control: new Control(rt, reconciler),
    activities,
    retention: new Retention(rt),
    daemon: new ProjectionDaemon(rt, asyncProjections),
    stop,
  });
}

/**
 * Queue every runnable instance of the index again (earliest due wins, so this moves nothing that
 * is queued already): a queue entry lost with a queue store that is not durable only delays work.
 */
export async function requeueRunnable(rt: RuntimeContext): Promise<void> {
  const pageSize = 1000;
  const now = rt.opts.clock.now();
  for (let offset = 0; offset < 100_000; offset += pageSize) {
    const page = await rt.p.instances.query({ status: 'runnable', limit: pageSize, offset });
    if (page.length > 0) await rt.p.queue.enqueue(page.map((s) => ({ instanceId: s.instanceId, dueAt: now })));
    if (page.length < pageSize) return;
  }
}
