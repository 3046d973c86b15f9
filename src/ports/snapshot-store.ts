import type { Json } from '../domain/json.js';

export interface Snapshot {
  readonly streamId: string;
  /** The stream version the state was folded up to. */
  readonly version: number;
  /** The chain hash of the event at `version`: a snapshot whose hash the log does not have at that version is refused. */
  readonly hash: string;
  /** Encoded `InstanceState`. */
  readonly state: Json;
  /** Reducer/schema revision that wrote it: a snapshot from another revision is ignored. */
  readonly schema: number;
}

/**
 * Snapshots are a cache of the log: losing one costs a longer fold, never correctness. One per
 * stream; saving an older version than the stored one changes nothing.
 */
export interface SnapshotStore {
  save(snapshot: Snapshot): Promise<void>;
  load(streamId: string): Promise<Snapshot | undefined>;
  delete(streamIds: readonly string[]): Promise<void>;
  /** Stream ids with a snapshot, in id order after `afterStreamId`, at most `limit` (for verify). */
  list(afterStreamId: string | undefined, limit: number): Promise<Snapshot[]>;
}
