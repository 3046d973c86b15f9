import type { Lease } from './lock.js';

/**
 * Instances with work due. One entry per instance: enqueueing an instance already queued keeps the
 * earlier due time. A claim is a lease: unfinished claims come back when it expires.
 */
export interface WorkQueue {
  enqueue(items: readonly { readonly instanceId: string; readonly dueAt: number }[]): Promise<void>;
  /** Claim up to `limit` instances due at or before `now`, for `leaseMs`. */
  claim(owner: string, now: number, limit: number, leaseMs: number): Promise<string[]>;
  /**
   * The same claim, taking in the same commit each claimed instance's lease (key: the instance id)
   * from the lock whose rows live beside the queue; `lease` is absent where another owner holds it.
   * `version`: the instance's version as its index row says (written in each append's transaction),
   * so that a host holding the state at that version need not read the log. Only for a queue whose
   * log and lock share its store (see `EventLog.inlineWork`).
   */
  claimLeased?(owner: string, now: number, limit: number, leaseMs: number): Promise<{ readonly instanceId: string; readonly lease?: Lease; readonly version?: number }[]>;
  /**
   * Finish claims, many in one commit: each entry is dropped, or kept due at `nextDueAt` (a timer).
   * An enqueue that arrived while it was claimed is kept (the earliest due time wins). Releasing an
   * instance this owner does not hold a claim on is ignored.
   */
  release(owner: string, items: readonly { readonly instanceId: string; readonly nextDueAt?: number }[]): Promise<void>;
  /** The earliest due time of any unclaimed entry, for sleeping until then. */
  nextDueAt(): Promise<number | undefined>;
  /** Entries for these instances are removed (purge). */
  remove(instanceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
