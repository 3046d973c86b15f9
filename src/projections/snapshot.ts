import type { Json } from '../domain/json.js';
import type { InstanceState } from '../domain/state.js';
import type { Snapshot } from '../ports/snapshot-store.js';

/** Bumped whenever the state's shape changes: snapshots of another schema are ignored (the log is folded instead). */
export const SNAPSHOT_SCHEMA = 4;

/** A snapshot of `state`, covering the event whose chain hash is `hash` (the event at `state.version`). */
export function snapshotOf(state: InstanceState, hash: string): Snapshot {
  return { streamId: state.instanceId, version: state.version, hash, state: state as unknown as Json, schema: SNAPSHOT_SCHEMA };
}

/** Is a snapshot due: `every` events or more since the last one? */
export function snapshotDue(lastVersion: number, version: number, every: number): boolean {
  return version - lastVersion >= every;
}
