import type { Json } from '../domain/json.js';

export interface Snapshot {
  readonly streamId: string;
  /** The stream version the state was folded up to. */
  readonly version: number;
  /** Encoded `InstanceState`. */
  readonly state: Json;
  /** Reducer/schema revision that wrote it: a snapshot from another revision is ignored. */
  readonly schema: number;
}

/** Snapshots are a cache of the log: losing one costs a longer fold, never correctness. */
export interface SnapshotStore {
  save(snapshot: Snapshot): Promise<void>;
  load(streamId: string): Promise<Snapshot | undefined>;
  delete(streamIds: readonly string[]): Promise<void>;
}
