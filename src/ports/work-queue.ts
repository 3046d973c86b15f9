/**
 * Instances with work due. One entry per instance: enqueueing an instance already queued keeps the
 * earlier due time. A claim is a lease: unfinished claims come back when it expires.
 */
export interface WorkQueue {
  enqueue(items: readonly { readonly instanceId: string; readonly dueAt: number }[]): Promise<void>;
  /** Claim up to `limit` instances due at or before `now`, for `leaseMs`. */
  claim(owner: string, now: number, limit: number, leaseMs: number): Promise<string[]>;
  /**
   * Finish a claim: drop the entry, or keep it due at `nextDueAt` (a timer). An enqueue that arrived
   * while it was claimed is kept (the earliest due time wins).
   */
  release(owner: string, instanceId: string, nextDueAt?: number): Promise<void>;
  /** The earliest due time of any unclaimed entry, for sleeping until then. */
  nextDueAt(): Promise<number | undefined>;
  /** Entries for these instances are removed (purge). */
  remove(instanceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
