import { WfeError } from '../domain/errors.js';
import { EMPTY_STATE } from '../domain/evolve.js';
import { normaliseJson, validateInstanceId } from '../domain/validate-args.js';
import { callMeta } from './call-meta.js';
import type { Command } from '../domain/commands.js';
import type { InstanceState } from '../domain/state.js';
import type { EventMeta } from '../ports/event-log.js';
import type { InlineWrites } from '../ports/inline-writes.js';
import type { Lease } from '../ports/lock.js';
import { commit, type CommitResult } from './commit.js';
import type { Registered } from './definition-registry.js';
import type { InstanceId } from './handles.js';
import { runChain } from './hooks.js';
import type { Reconciler } from './reconcile.js';
import type { RuntimeContext } from './runtime-context.js';

export interface StartOptions<T = unknown> {
  version?: number;
  data?: T;
  reference?: string;
  /** Choose the instance id (idempotent start: a second start with the same id returns it). */
  instanceId?: string;
  /** @internal set for child workflows */
  parentInstanceId?: string;
  /** Who starts it (recorded as the actor of `WorkflowStarted`; default the host id). */
  actor?: string;
  /** Why it was started. */
  reason?: string;
  /** Correlation id recorded with the start. */
  correlationId?: string;
  /** W3C trace context the run continues (default: the caller's active span, with `wfe/otel`). */
  traceparent?: string;
}

/** How a start hands its instance to this host's scheduler (see `Scheduler.reserve`). */
export interface StartSlots {
  reserve(): boolean;
  unreserve(): void;
  adopt(instanceId: string, lease: Lease, state: InstanceState): void;
}

type StartCommand = Extract<Command, { type: 'Start' }>;

/**
 * Starts instances: decide `Start` and append `WorkflowStarted` with its index row and its queue
 * entry in one commit where the log takes work writes inline (then, with a free slot, this host runs
 * it at once), or queue first and append after where it does not.
 */
export class Starter {
  constructor(
    private readonly rt: RuntimeContext,
    private readonly reconciler: Reconciler,
    private readonly slots: StartSlots,
  ) {}

  async start(definitionId: string, options: StartOptions = {}): Promise<InstanceId> {
    const { rt } = this;
    // A caller starting thousands at once: each start's work in its own slice of the event loop.
    const paused = rt.slicer.pause();
    if (paused) await paused;
    const reg = rt.registry.resolve(definitionId, options.version);
    await rt.registry.stored(reg);
    // Normalised as the log will hold it (undefined dropped), so the live run and every replay see the same data.
    const data = normaliseJson('data', options.data ?? {});
    const instanceId = options.instanceId !== undefined ? validateInstanceId(options.instanceId) : rt.opts.newId();
    const pre = rt.opts.workflowMiddleware.flatMap((mw) => (mw.pre ? [mw.pre.bind(mw)] : []));
    if (pre.length) await runChain(pre, { instanceId, definitionId, version: reg.definition.version, data });
    const command: StartCommand = {
      type: 'Start' as const,
      instanceId,
      data,
      definitionHash: reg.hash,
      ...(options.reference !== undefined ? { reference: options.reference } : {}),
      ...(options.parentInstanceId !== undefined ? { parentInstanceId: options.parentInstanceId } : {}),
    };
    const traceparent = options.traceparent ?? rt.opts.telemetry.activeTraceparent();
    if (traceparent !== undefined) rt.traces.set(instanceId, traceparent);
    const meta = { ...startMeta(rt.opts.hostId, options), ...(traceparent !== undefined ? { traceparent } : {}) };
    const result = rt.inlineWork.queue ? await this.startInline(reg, command, meta) : await this.startQueuedFirst(reg, command, meta);
    if (result.kind === 'unchanged') throw result.rejected[0]?.error ?? new WfeError('INVALID_COMMAND', `workflow ${definitionId} could not start`);
    if (result.kind === 'conflict') {
      if (options.instanceId !== undefined) return instanceId;
      throw new WfeError('CONCURRENCY_CONFLICT', `instance ${instanceId} already exists`);
    }
    return instanceId;
  }

  /**
   * The log queues the instance in the start's own commit. When a slot is free this host also claims
   * it there and takes its lease (in that commit where the log keeps leases; from the lock port
   * first otherwise, which for an embedded store's local lock writes nothing), then runs it at once:
   * no claim, no load, no wake-up of its own.
   */
  private async startInline(reg: Registered, command: StartCommand, meta: EventMeta): Promise<CommitResult> {
    const { rt, slots } = this;
    const { hostId, leaseMs, clock } = rt.opts;
    const { instanceId } = command;
    const now = clock.now();
    const leasesInline = rt.inlineWork.leases;
    let reserved = slots.reserve();
    let lease: Lease | undefined;
    if (reserved && !leasesInline) {
      lease = await rt.p.lock.acquire(instanceId, hostId, leaseMs).catch(() => undefined);
      if (!lease) {
        slots.unreserve();
        reserved = false;
      }
    }
    const work: Pick<InlineWrites, 'queue' | 'lease'> = {
      queue: { op: 'enqueue', instanceId, dueAt: now, ...(reserved ? { claim: { owner: hostId, until: now + leaseMs } } : {}) },
      ...(reserved && leasesInline ? { lease: { op: 'acquire', key: instanceId, owner: hostId, now, expiresAt: now + leaseMs } } : {}),
    };
    // The slot and a lease taken from the lock port go back unless the instance is handed over.
    const giveBack = async (): Promise<void> => {
      if (reserved) slots.unreserve();
      if (lease) await rt.p.lock.release(lease).catch(() => undefined);
    };
    let result: CommitResult;
    try {
      result = await commit(
        { definition: reg.definition, state: EMPTY_STATE, commands: [command], now, meta },
        { append: (r) => rt.writers.append.add(r), inline: (after) => ({ ...rt.inline.writesFor(after), ...work }) },
      );
      if (result.kind === 'committed') await this.started(reg, result);
    } catch (error) {
      await giveBack();
      throw error;
    }
    if (result.kind !== 'committed') {
      await giveBack();
      return result;
    }
    lease ??= result.outcome.lease;
    if (reserved && lease) slots.adopt(instanceId, lease, result.state);
    else {
      // Queued for whoever claims it first (this host's loop, or another host told so).
      if (reserved) slots.unreserve();
      rt.wake();
      rt.notifyOthers();
    }
    return result;
  }

  /**
   * Queue first, then append `WorkflowStarted`: a crash in between leaves an entry for a stream that
   * does not exist (dropped when claimed), never a started instance that nobody will work on.
   */
  private async startQueuedFirst(reg: Registered, command: StartCommand, meta: EventMeta): Promise<CommitResult> {
    const { rt } = this;
    const { instanceId } = command;
    const committed = rt.writers.enqueue.add({ instanceId, dueAt: rt.opts.clock.now() }).then(() =>
      commit(
        { definition: reg.definition, state: EMPTY_STATE, commands: [command], now: rt.opts.clock.now(), meta },
        { append: (r) => rt.writers.append.add(r), inline: (after) => rt.inline.writesFor(after) },
      ),
    );
    rt.work.starting.set(instanceId, committed);
    let result: CommitResult;
    try {
      result = await committed;
    } finally {
      if (rt.work.starting.get(instanceId) === committed) rt.work.starting.delete(instanceId);
    }
    if (result.kind !== 'committed') return result;
    await this.started(reg, result);
    rt.wake();
    rt.notifyOthers();
    return result;
  }

  /** After the start's commit: cache, snapshot if due, report, reconcile. */
  private async started(reg: Registered, result: Extract<CommitResult, { kind: 'committed' }>): Promise<void> {
    const { rt } = this;
    const { instanceId } = result.state;
    rt.loader.remember(result.state, result.outcome.lastHash);
    void rt.inline.afterAppend(result.state, result.inline ?? {}, result.outcome, rt.writers, rt.loader).catch(rt.telemetry.report('inline projections', instanceId));
    rt.telemetry.emit('workflow:started', { instanceId, definitionId: reg.definition.id, version: reg.definition.version });
    await this.reconciler.afterCommit(result.before, result.state, result.events);
  }
}

function startMeta(hostId: string, o: StartOptions) {
  if (o.actor === undefined && o.reason === undefined && o.correlationId === undefined) return { actor: hostId };
  return callMeta(hostId, { ...(o.actor !== undefined ? { actor: o.actor } : {}), ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.correlationId !== undefined ? { correlationId: o.correlationId } : {}) }, 'start');
}
