import type { WorkflowEvent } from '../domain/events.js';
import type { Json } from '../domain/json.js';
import { activePointers, findPointer, isTerminal, type ExecutionPointer, type InstanceState } from '../domain/state.js';
import { CHILD_ENDED_EVENT } from '../domain/step-api.js';
import { runChain } from './hooks.js';
import type { RuntimeContext } from './runtime-context.js';

/** What reconcile may do besides writing: publish (a child's end to its parent) and wake waiters. */
export interface ReconcileDeps {
  publish(name: string, key: string, data: Json): Promise<unknown>;
  /** Called once the instance's end-of-life work is done on this host, with its final state. */
  ended(instanceId: string, state: InstanceState): void;
  /** Called after every commit with the state after it (waiters for a settled instance look again). */
  changed(instanceId: string, state: InstanceState): void;
}

/** Waits an instance holds open: active pointers waiting for an event (until the instance ends). */
function waits(state: InstanceState): ExecutionPointer[] {
  if (state.version === 0 || isTerminal(state.status)) return [];
  return activePointers(state).filter((p) => p.status === 'waitingForEvent');
}

/**
 * Every duty that follows an append, derived from state so that doing it twice is harmless: after
 * a commit (`change` given: the state before and the events) and after a load (the host that
 * appended may have died before finishing them). Duties: subscriptions of waiting steps, the index
 * row (after a load, when it lags the log), telemetry of what the events did (after a commit), and
 * end-of-life work once (hooks, post-workflow middleware, the parent's notification: at least once).
 */
export class Reconciler {
  private readonly endedOnce = new Set<string>();

  constructor(
    private readonly rt: RuntimeContext,
    private readonly deps: ReconcileDeps,
  ) {}

  async afterCommit(before: InstanceState, state: InstanceState, events: readonly WorkflowEvent[]): Promise<void> {
    const id = state.instanceId;
    const was = new Map(waits(before).map((p) => [p.id, p]));
    const now = waits(state);
    const writes: Promise<void>[] = [];
    for (const p of now) {
      const old = was.get(p.id);
      was.delete(p.id);
      if (old && old.eventName === p.eventName && old.eventKey === p.eventKey && old.eventAsOf === p.eventAsOf) continue;
      writes.push(this.rt.p.events.subscribe({ instanceId: id, pointerId: p.id, name: p.eventName ?? '', key: p.eventKey ?? '', asOf: p.eventAsOf ?? 0 }));
    }
    for (const p of was.values()) writes.push(this.rt.p.events.unsubscribe(id, p.id));
    await Promise.all(writes);
    this.tell(state, events);
    if (isTerminal(state.status) && !isTerminal(before.status)) await this.ended(state);
    else this.deps.changed(id, state);
  }

  async afterLoad(state: InstanceState): Promise<void> {
    const id = state.instanceId;
    // A log that takes work writes in its appends' transactions (SQLite, PostgreSQL, memory) takes
    // the index row there too: it cannot lag. Others may have died between the append and the row.
    if (!this.rt.inlineWork.queue) {
      const row = await this.rt.p.instances.get(id);
      if (!row || row.version < state.version) {
        void this.rt.writers.index.add(this.rt.inline.summary(state)).catch(this.rt.telemetry.report('index', id));
      }
    }
    if (isTerminal(state.status)) return this.ended(state);
    await Promise.all(waits(state).map((p) => this.rt.p.events.subscribe({ instanceId: id, pointerId: p.id, name: p.eventName ?? '', key: p.eventKey ?? '', asOf: p.eventAsOf ?? 0 })));
  }

  /** Telemetry for what the appended events did (after they are durable). */
  private tell(state: InstanceState, events: readonly WorkflowEvent[]): void {
    const { telemetry } = this.rt;
    const id = state.instanceId;
    const definition = this.rt.registry.resolve(state.definitionId, state.definitionVersion).definition;
    const stepOf = (pointerId: number) => {
      const stepId = findPointer(state, pointerId)?.stepId ?? -1;
      return { pointerId, stepId, stepName: definition.steps[stepId]?.name ?? '' };
    };
    for (const e of events) {
      switch (e.type) {
        case 'StepFailed':
          telemetry.emit('step:failed', { instanceId: id, ...stepOf(e.pointerId), error: e.error });
          break;
        case 'StepCompleted':
          telemetry.emit('step:completed', { instanceId: id, ...stepOf(e.pointerId) });
          break;
        case 'WorkflowSuspended':
          telemetry.emit('workflow:suspended', { instanceId: id, reason: e.reason });
          break;
        case 'WorkflowResumed':
          telemetry.emit('workflow:resumed', { instanceId: id });
          break;
        case 'WorkflowTerminated':
          telemetry.emit('workflow:terminated', { instanceId: id, reason: e.reason });
          break;
        default:
          break;
      }
    }
    telemetry.emit('events:appended', { instanceId: id, events, version: state.version });
  }

  private async ended(state: InstanceState): Promise<void> {
    const id = state.instanceId;
    if (this.endedOnce.has(id)) return;
    this.endedOnce.add(id);
    if (this.endedOnce.size > 100_000) this.endedOnce.clear();
    const { telemetry, opts } = this.rt;
    if (state.status === 'complete') telemetry.emit('workflow:completed', { instanceId: id, state });
    if (state.status === 'failed') telemetry.emit('workflow:failed', { instanceId: id, state, ...(state.failing ? { error: state.failing } : {}) });
    const post = opts.workflowMiddleware.flatMap((mw) => (mw.post ? [mw.post.bind(mw)] : []));
    if (post.length) await runChain(post, state).catch((error: unknown) => telemetry.emit('host:error', { error, instanceId: id, where: 'post-workflow middleware' }));
    if (state.parentInstanceId) {
      await this.deps.publish(CHILD_ENDED_EVENT, id, { status: state.status, data: state.data, ...(state.failing ? { error: state.failing as unknown as Json } : {}) });
    }
    this.deps.ended(id, state);
  }
}
