import type { InstanceSummary } from './instance-index.js';
import type { DocumentWrite } from './projection-store.js';
import type { Snapshot } from './snapshot-store.js';

/**
 * What inline projections produce for one append: written in the append's transaction when the
 * log shares one with these stores, right after it otherwise. Each is idempotent (an index row or
 * snapshot older than the stored one never replaces it).
 */
export interface InlineWrites {
  /** The instance index row (the instance's search document) after the append. */
  readonly instance?: InstanceSummary;
  /** A snapshot of the state after the append. */
  readonly snapshot?: Snapshot;
  /** Documents of other inline projections. */
  readonly documents?: readonly DocumentWrite[];
  /** The instance's work-queue entry, changed in the append's transaction (a log with `inlineWork.queue`). */
  readonly queue?: QueueWrite;
  /** The instance's lease, taken or given back in the append's transaction (a log with `inlineWork.leases`). */
  readonly lease?: LeaseWrite;
}

/**
 * A work-queue change that rides with an append instead of committing on its own. `enqueue`: the
 * start of an instance (the earliest due time wins), claimed at once by `claim.owner` until
 * `claim.until` when the starting host runs it itself. `release`: the end of `owner`'s claim, with
 * the same meaning as `WorkQueue.release` (dropped, or kept due at `nextDueAt`; an enqueue that
 * arrived during the claim is kept).
 */
export type QueueWrite =
  | { readonly op: 'enqueue'; readonly instanceId: string; readonly dueAt: number; readonly claim?: { readonly owner: string; readonly until: number } }
  | { readonly op: 'release'; readonly instanceId: string; readonly owner: string; readonly nextDueAt?: number };

/**
 * A lease change that rides with an append. `acquire`: take the key (free or expired) for `owner`
 * until `expiresAt`; the outcome carries the lease, or none when somebody holds it (the append
 * still succeeds). `release`: give back the lease the request is fenced with.
 */
export type LeaseWrite =
  | { readonly op: 'acquire'; readonly key: string; readonly owner: string; readonly now: number; readonly expiresAt: number }
  | { readonly op: 'release'; readonly key: string; readonly owner: string; readonly token: number };
