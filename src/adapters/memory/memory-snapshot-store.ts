import type { Snapshot, SnapshotStore } from '../../ports/snapshot-store.js';
import { jsonCopy } from './assert-appendable.js';

/** An in-process snapshot store: one snapshot per stream, the last save wins. */
export function createMemorySnapshotStore(): SnapshotStore {
  const snapshots = new Map<string, Snapshot>();
  return {
    async save(snapshot) {
      snapshots.set(snapshot.streamId, jsonCopy(snapshot));
    },
    async load(streamId) {
      const s = snapshots.get(streamId);
      return s ? jsonCopy(s) : undefined;
    },
    async delete(streamIds) {
      for (const id of streamIds) snapshots.delete(id);
    },
  };
}
