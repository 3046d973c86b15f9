import type { EventLog, EventMeta } from '../../src/ports/event-log.js';

/** What `host-child.ts` is started with (as JSON in its first argument). */
export interface ChildConfig {
  readonly pgUrl: string;
  readonly schema: string;
  /** With Redis: lock, queue and wakeups on Redis (fences checked there), the log on PostgreSQL. */
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
  readonly hostId: string;
  /** File for the execution journal of this process. */
  readonly journal: string;
  readonly leaseMs: number;
  readonly pollInterval: number;
  readonly maxConcurrentWorkflows: number;
}

/** The meta of an append made under a lease, as the children record it. */
export interface FencedMeta extends EventMeta {
  readonly fence?: { readonly owner: string; readonly token: number };
}

/**
 * A log that records each request's fence (lease owner and token) in the request's meta. The log
 * stores the meta with the events and hash-chains it, so the test can read from the log which
 * lease every append was made under. Requests without a fence (only `WorkflowStarted`) are left
 * as they are.
 */
export function recordingFences(log: EventLog): EventLog {
  return {
    ...log,
    appendBatch: (requests) =>
      log.appendBatch(requests.map((r) => (r.fence ? { ...r, meta: { ...r.meta, fence: { owner: r.fence.owner, token: r.fence.token } } as FencedMeta } : r))),
  };
}
