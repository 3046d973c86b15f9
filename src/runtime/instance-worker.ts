import { WfeError } from '../domain/errors.js';
import { nextDueAt } from '../domain/queries.js';
import { isTerminal, type InstanceState } from '../domain/state.js';
import type { ChildWorkflows } from '../domain/step-api.js';
import type { InlineWrites } from '../ports/inline-writes.js';
import type { Lease } from '../ports/lock.js';
import type { TraceSpan } from '../ports/telemetry.js';
import { commit } from './commit.js';
import type { Registered } from './definition-registry.js';
import { planPass, type PassEnv } from './pass.js';
import type { Reconciler } from './reconcile.js';
import type { RuntimeContext } from './runtime-context.js';

/** What `InstanceWorker.process` returns when the run's last commit gave back its claim and lease. */
export const RELEASED = Symbol('released');

/**
 * Works on one claimed instance: takes its lease (renewed while working), loads it, reconciles,
 * runs passes (plan -> commit -> reconcile) until nothing is runnable, and says when it is next due.
 */
export class InstanceWorker {
  /** Instances claimed before their stream existed, and how often. */
  private readonly missing = new Map<string, number>();

  constructor(
    private readonly rt: RuntimeContext,
    private readonly reconciler: Reconciler,
    private readonly children: (parentInstanceId: string) => ChildWorkflows,
  ) {}

  /**
   * Run passes over an instance until nothing is runnable. Returns when it is next due (undefined:
   * only events wake it), or `RELEASED` when its last pass gave back the queue claim and the lease in
   * its own commit (the log takes work writes inline: nothing is left to release).
   * `adopted`: the lease was taken already (by the claim, or by a start of this host, which hands
   * over the state it committed too: no load).
   */
  async process(instanceId: string, adopted?: { readonly lease: Lease; readonly state?: InstanceState; readonly version?: number }): Promise<number | undefined | typeof RELEASED> {
    const { rt } = this;
    const { clock, leaseMs, hostId } = rt.opts;
    // A command of this host (resume, terminate…) holds the lock and has queued the instance: let it finish.
    if (!adopted?.state) await rt.work.commanding.get(instanceId)?.catch(() => undefined);
    const lease = adopted?.lease ?? (await rt.p.lock.acquire(instanceId, hostId, leaseMs));
    if (!lease) return clock.now() + Math.min(1000, leaseMs);
    const run = { released: false };
    const renew = setInterval(() => {
      void rt.p.lock.renew(lease, leaseMs).then((ok) => {
        if (!ok) rt.telemetry.emit('host:error', { error: new WfeError('LOCK_LOST', `lost the lease on ${instanceId}`), instanceId, where: 'renew' });
      }, () => undefined);
    }, Math.max(10, leaseMs / 3));
    try {
      const due = await this.withLease(instanceId, lease, run, adopted?.state, adopted?.version);
      return run.released ? RELEASED : due;
    } finally {
      clearInterval(renew);
      if (!(run.released && rt.inlineWork.leases)) await rt.p.lock.release(lease).catch(() => undefined);
    }
  }

  private async withLease(instanceId: string, lease: Lease, run: { released: boolean }, adopted?: InstanceState, version?: number): Promise<number | undefined> {
    const { rt } = this;
    const { clock } = rt.opts;
    let state: InstanceState | undefined = adopted;
    if (!state) {
      // Claimed between the queue write and the first append of a start on this host: wait for it.
      await rt.work.starting.get(instanceId)?.catch(() => undefined);
      state = await rt.loader.load(instanceId, version !== undefined ? { version } : {});
      if (!state) return this.notThereYet(instanceId);
      this.missing.delete(instanceId);
      await this.reconciler.afterLoad(state);
      if (isTerminal(state.status)) return undefined;
    }
    if (rt.opts.telemetry.enabled) {
      // How late this claim is against the instance's due time (a timer, a retry, a start).
      const due = nextDueAt(state, clock.now());
      if (due !== undefined && due <= clock.now()) rt.opts.telemetry.record('queue.lag', clock.now() - due, { 'wfe.definition_id': state.definitionId });
    }
    const reg = rt.registry.resolve(state.definitionId, state.definitionVersion);
    for (let pass = 0; pass < rt.opts.maxPassesPerClaim && state.status === 'runnable'; pass++) {
      const paused = rt.slicer.pause();
      if (paused) await paused;
      const next = await this.pass(state, reg, lease, run);
      if (next === 'idle') break;
      if (next === 'conflict') {
        state = await rt.loader.load(instanceId, { useSnapshots: false });
        if (!state) return undefined;
        continue;
      }
      state = next;
      if (rt.stopping()) break;
    }
    if (state.status !== 'runnable') {
      rt.traces.delete(instanceId);
      return undefined;
    }
    const due = nextDueAt(state, clock.now());
    return rt.stopping() && due !== undefined ? Math.max(due, clock.now()) : due;
  }

  /** Queued before its first append (see the starter): look again shortly; drop after a few tries (the starting host died in between). */
  private notThereYet(instanceId: string): number | undefined {
    const tries = (this.missing.get(instanceId) ?? 0) + 1;
    this.missing.set(instanceId, tries);
    if (tries > 5) {
      this.missing.delete(instanceId);
      return undefined;
    }
    return this.rt.opts.clock.now() + Math.min(this.rt.opts.pollInterval, 50) * tries;
  }

  /** One pass: plan, commit, reconcile. 'idle' when there is nothing to do now. Traced as `wfe.pass` under the instance's start trace. */
  private async pass(state: InstanceState, reg: Registered, lease: Lease, run: { released: boolean }): Promise<InstanceState | 'idle' | 'conflict'> {
    const { rt } = this;
    const tel = rt.opts.telemetry;
    const span = tel.startSpan(
      'wfe.pass',
      { 'wfe.instance_id': state.instanceId, 'wfe.definition_id': state.definitionId, 'wfe.definition_version': state.definitionVersion, 'wfe.version': state.version },
      tel.enabled ? await this.traceOf(state.instanceId) : undefined,
    );
    try {
      const commands = await planPass(reg.definition, reg.registry, state, this.passEnv(state, span));
      if (commands.length === 0) {
        span.end({ 'wfe.outcome': 'idle' });
        return 'idle';
      }
      const meta = span.traceparent !== undefined ? { ...rt.hostMeta, traceparent: span.traceparent } : rt.hostMeta;
      const next = await commitAndReconcile(rt, this.reconciler, reg, state, commands, lease, meta, span, (after) => this.endOfRun(after, lease));
      // A commit that ended the instance gave its claim back (see endOfRun).
      if (typeof next !== 'string' && isTerminal(next.status) && rt.inlineWork.queue) run.released = true;
      span.end({ 'wfe.commands': commands.length, 'wfe.outcome': typeof next === 'string' ? next : 'committed' });
      return next;
    } catch (error) {
      span.end({ 'wfe.outcome': 'error' }, error);
      throw error;
    }
  }

  /**
   * A pass that ends the instance gives back the queue claim (and a lease kept in the store) in its
   * own commit, where the log takes them inline: no commit of their own.
   */
  private endOfRun(after: InstanceState, lease: Lease): Pick<InlineWrites, 'queue' | 'lease'> | undefined {
    const work = this.rt.inlineWork;
    if (!work.queue || !isTerminal(after.status)) return undefined;
    return {
      queue: { op: 'release', instanceId: after.instanceId, owner: this.rt.opts.hostId },
      ...(work.leases ? { lease: { op: 'release', key: lease.key, owner: lease.owner, token: lease.token } } : {}),
    };
  }

  /** The trace an instance was started under: kept by the starter, else read once from its first event's envelope. */
  private async traceOf(instanceId: string): Promise<string | undefined> {
    const { traces, p } = this.rt;
    if (!traces.has(instanceId)) traces.set(instanceId, (await p.log.read(instanceId, 1, 1))[0]?.meta.traceparent ?? '');
    return traces.get(instanceId) || undefined;
  }

  private passEnv(state: InstanceState, pass: TraceSpan): PassEnv {
    const { rt } = this;
    const tel = rt.opts.telemetry;
    const steps = new Map<number, { span: TraceSpan; at: number; name: string }>();
    return {
      now: rt.opts.clock.now(),
      signal: rt.stopSignal,
      workflows: this.children(state.instanceId),
      middleware: rt.opts.stepMiddleware,
      findEvent: async (name, key, asOf, exclude) => (await rt.p.events.find(name, key, asOf, exclude, 1))[0],
      onStepStarted: (p, step) => {
        rt.telemetry.emit('step:started', { instanceId: state.instanceId, pointerId: p.id, stepId: p.stepId, stepName: step.name, attempt: p.attempt + 1 });
        if (!tel.enabled) return;
        const attributes = { 'wfe.instance_id': state.instanceId, 'wfe.definition_id': state.definitionId, 'wfe.step': step.name, 'wfe.pointer_id': p.id, 'wfe.attempt': p.attempt + 1 };
        steps.set(p.id, { span: tel.startSpan(`wfe.step ${step.name}`, attributes, pass), at: performance.now(), name: step.name });
      },
      onStepEnded: (p, execution) => {
        const s = steps.get(p.id);
        if (!s) return;
        steps.delete(p.id);
        const outcome = execution.kind;
        s.span.end({ 'wfe.outcome': outcome }, execution.kind === 'failed' ? Object.assign(new Error(execution.error.message), { name: execution.error.type }) : undefined);
        tel.record('step.duration', performance.now() - s.at, { 'wfe.definition_id': state.definitionId, 'wfe.step': s.name, 'wfe.outcome': outcome });
      },
    };
  }
}

/** Commit commands for an instance this host holds, then reconcile: the state after, 'idle' or 'conflict'. */
export async function commitAndReconcile(
  rt: RuntimeContext,
  reconciler: Reconciler,
  reg: Registered,
  state: InstanceState,
  commands: Parameters<typeof commit>[0]['commands'],
  lease: Lease | undefined,
  meta = rt.hostMeta,
  span?: TraceSpan,
  work?: (after: InstanceState) => Pick<InlineWrites, 'queue' | 'lease'> | undefined,
): Promise<InstanceState | 'idle' | 'conflict'> {
  const tel = rt.opts.telemetry;
  const decide = tel.enabled ? tel.startSpan('wfe.decide', { 'wfe.instance_id': state.instanceId, 'wfe.commands': commands.length }, span) : undefined;
  let decided = false;
  const endDecide = (events: number) => {
    if (!decided) decide?.end({ 'wfe.events': events });
    decided = true;
  };
  const append = async (r: Parameters<typeof rt.writers.append.add>[0]) => {
    endDecide(r.events.length);
    if (!tel.enabled) return rt.writers.append.add(r);
    const bytes = Buffer.byteLength(JSON.stringify(r.events));
    const a = tel.startSpan('wfe.append', { 'wfe.instance_id': r.streamId, 'wfe.events': r.events.length, 'wfe.bytes': bytes, 'wfe.expected_version': r.expectedVersion }, span);
    const t0 = performance.now();
    try {
      const out = await rt.writers.append.add(r);
      tel.record('append.latency', performance.now() - t0, { 'wfe.outcome': out.ok ? 'ok' : out.reason });
      a.end({ 'wfe.conflict': !out.ok && out.reason === 'conflict', 'wfe.outcome': out.ok ? 'ok' : out.reason });
      return out;
    } catch (error) {
      a.end({ 'wfe.outcome': 'error' }, error);
      throw error;
    }
  };
  let result: Awaited<ReturnType<typeof commit>>;
  try {
    const head = lease ? rt.loader.headAt(state.instanceId, state.version) : undefined;
    result = await commit({ definition: reg.definition, state, commands, now: rt.opts.clock.now(), meta, ...(lease ? { lease } : {}), ...(head !== undefined ? { head } : {}) }, { append, inline: (after) => ({ ...rt.inline.writesFor(after), ...work?.(after) }) });
  } finally {
    endDecide(0);
  }
  for (const { command, error } of result.rejected) {
    // A result for a pointer an earlier command of this pass ended (cancelled by a failure) is stale: drop it.
    if (!(command.type === 'Execute' && error.code === 'INVALID_STATE')) rt.telemetry.emit('host:error', { error, instanceId: state.instanceId, where: `decide ${command.type}` });
  }
  if (result.kind === 'unchanged') return 'idle';
  if (result.kind === 'conflict') {
    rt.telemetry.emit('append:conflict', { instanceId: state.instanceId, expectedVersion: state.version, ...(result.actualVersion !== undefined ? { actualVersion: result.actualVersion } : {}) });
    rt.loader.forget(state.instanceId);
    return 'conflict';
  }
  rt.loader.remember(result.state, result.outcome.lastHash);
  void rt.inline.afterAppend(result.state, result.inline ?? {}, result.outcome, rt.writers, rt.loader).catch(rt.telemetry.report('inline projections', state.instanceId));
  await reconciler.afterCommit(result.before, result.state, result.events);
  return result.state;
}
