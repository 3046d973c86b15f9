import { WfeError } from '../domain/errors.js';
import { EMPTY_STATE } from '../domain/evolve.js';
import { normaliseJson, validateInstanceId } from '../domain/validate-args.js';
import { callMeta } from './call-meta.js';
import { commit } from './commit.js';
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

/**
 * Starts instances: decide `Start`, queue the instance, then append `WorkflowStarted` (with its index
 * row inline). Queue first: a crash in between leaves an entry for a stream that does not exist
 * (dropped when claimed), never a started instance that nobody will work on.
 */
export class Starter {
  constructor(
    private readonly rt: RuntimeContext,
    private readonly reconciler: Reconciler,
  ) {}

  async start(definitionId: string, options: StartOptions = {}): Promise<InstanceId> {
    const { rt } = this;
    const reg = rt.registry.resolve(definitionId, options.version);
    await rt.registry.stored(reg);
    // Normalised as the log will hold it (undefined dropped), so the live run and every replay see the same data.
    const data = normaliseJson('data', options.data ?? {});
    const instanceId = options.instanceId !== undefined ? validateInstanceId(options.instanceId) : rt.opts.newId();
    const pre = rt.opts.workflowMiddleware.flatMap((mw) => (mw.pre ? [mw.pre.bind(mw)] : []));
    if (pre.length) await runChain(pre, { instanceId, definitionId, version: reg.definition.version, data });
    const command = {
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
    const committed = rt.writers.enqueue.add({ instanceId, dueAt: rt.opts.clock.now() }).then(() =>
      commit(
        { definition: reg.definition, state: EMPTY_STATE, commands: [command], now: rt.opts.clock.now(), meta },
        { append: (r) => rt.writers.append.add(r), inline: (after) => rt.inline.writesFor(after) },
      ),
    );
    rt.work.starting.set(instanceId, committed);
    let result: Awaited<typeof committed>;
    try {
      result = await committed;
    } finally {
      if (rt.work.starting.get(instanceId) === committed) rt.work.starting.delete(instanceId);
    }
    if (result.kind === 'unchanged') throw result.rejected[0]?.error ?? new WfeError('INVALID_COMMAND', `workflow ${definitionId} could not start`);
    if (result.kind === 'conflict') {
      if (options.instanceId !== undefined) return instanceId;
      throw new WfeError('CONCURRENCY_CONFLICT', `instance ${instanceId} already exists`);
    }
    rt.loader.remember(result.state, result.outcome.lastHash);
    void rt.inline.afterAppend(result.state, result.inline ?? {}, result.outcome, rt.writers, rt.loader).catch(rt.telemetry.report('inline projections', instanceId));
    rt.telemetry.emit('workflow:started', { instanceId, definitionId, version: reg.definition.version });
    await this.reconciler.afterCommit(result.before, result.state, result.events);
    rt.wake();
    void rt.p.wakeups?.notify().catch(() => undefined);
    return instanceId;
  }
}

function startMeta(hostId: string, o: StartOptions) {
  if (o.actor === undefined && o.reason === undefined && o.correlationId === undefined) return { actor: hostId };
  return callMeta(hostId, { ...(o.actor !== undefined ? { actor: o.actor } : {}), ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.correlationId !== undefined ? { correlationId: o.correlationId } : {}) }, 'start');
}
