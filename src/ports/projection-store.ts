import type { Json } from '../domain/json.js';
import type { LogPosition } from '../log/position.js';

/** How far a projection has read the log, stored with its documents. */
export interface Checkpoint {
  readonly projection: string;
  /** The projection's own version: a checkpoint of another version means "rebuild". */
  readonly projectionVersion: number;
  /** The last position applied; undefined: nothing yet. */
  readonly position?: LogPosition;
  readonly updatedAt: number;
}

/** Checkpoints only, for sinks that keep their documents elsewhere (OpenSearch keeps its own). */
export interface CheckpointStore {
  loadCheckpoint(projection: string): Promise<Checkpoint | undefined>;
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
}

/** Put (document) or delete (null) one projection document. */
export interface DocumentWrite {
  readonly projection: string;
  readonly key: string;
  readonly document: Json | null;
}

/**
 * Documents of projections, by projection name and key, with their checkpoints. `commit` writes
 * documents and moves the checkpoint all or nothing, so a projection resumes exactly where its last
 * commit ended.
 */
export interface ProjectionStore extends CheckpointStore {
  commit(writes: readonly DocumentWrite[], checkpoint?: Checkpoint): Promise<void>;
  get(projection: string, key: string): Promise<Json | undefined>;
  getMany(projection: string, keys: readonly string[]): Promise<Map<string, Json>>;
  /** Documents in key order after `afterKey`, at most `limit`. */
  list(projection: string, afterKey: string | undefined, limit: number): Promise<{ readonly key: string; readonly document: Json }[]>;
  /** Delete every document and the checkpoint of a projection. */
  clear(projection: string): Promise<void>;
  /**
   * Replace `target`'s documents and checkpoint with `source`'s, atomically, and empty `source`
   * (a rebuild written beside the live projection is switched in at once).
   */
  swap(source: string, target: string): Promise<void>;
  close(): Promise<void>;
}
