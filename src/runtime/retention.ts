import { isTerminal } from '../domain/state.js';
import type { RuntimeContext } from './runtime-context.js';

/** What a purge removed. */
export interface PurgeReport {
  readonly instances: readonly string[];
  /** Events deleted from the log. */
  readonly events: number;
}

export type PurgeableStatus = 'complete' | 'terminated' | 'failed';

/**
 * Retention: ended instances go with everything derived from them (queue entries, subscriptions,
 * snapshots, index rows, projection documents keyed by the instance).
 */
export class Retention {
  constructor(private readonly rt: RuntimeContext) {}

  /** Ended instances (of these statuses) that ended before `before`. */
  async purge(options: { before: number; statuses?: readonly PurgeableStatus[]; limit?: number; actor?: string; reason?: string }): Promise<PurgeReport> {
    const statuses = options.statuses ?? ['complete', 'terminated', 'failed'];
    const found = await this.rt.p.instances.query({ status: statuses, before: options.before, limit: options.limit ?? 10_000 });
    const ids = found.filter((s) => isTerminal(s.status) && (s.completedAt ?? s.createdAt) < options.before).map((s) => s.instanceId);
    return this.remove(ids, { actor: options.actor ?? this.rt.opts.hostId, reason: options.reason ?? `retention: ended before ${new Date(options.before).toISOString()}` });
  }

  async remove(ids: readonly string[], by: { actor?: string; reason?: string } = { actor: this.rt.opts.hostId, reason: 'deleted by request' }): Promise<PurgeReport> {
    if (ids.length === 0) return { instances: [], events: 0 };
    const { p, work, loader } = this.rt;
    // Let this host finish what it is doing with them (its end-of-life work would write them back).
    await Promise.all(ids.map((id) => Promise.all([work.inflight.get(id), work.commanding.get(id)]).catch(() => undefined)));
    await p.queue.remove(ids);
    const events = await p.log.deleteStreams(ids, by);
    await Promise.all([p.snapshots.delete(ids), p.events.removeInstances(ids), p.instances.remove(ids)]);
    for (const id of ids) loader.forget(id);
    return { instances: [...ids], events };
  }
}
