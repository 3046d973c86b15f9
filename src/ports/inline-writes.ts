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
}
