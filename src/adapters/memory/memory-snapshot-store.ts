import type { Snapshot, SnapshotStore } from '../../ports/snapshot-store.js';
import { compareText } from '../../projections/search-query.js';
import { jsonCopy } from './assert-appendable.js';

/** A snapshot store whose saves can also be applied synchronously (inline with a memory append). */
export interface MemorySnapshotStore extends SnapshotStore {
  /** `save`, now: an older version than the stored one changes nothing. */
  saveNow(snapshot: Snapshot): void;
}

/** An in-process snapshot store: one snapshot per stream, an older version never replaces a newer one. */
export function createMemorySnapshotStore(): MemorySnapshotStore {
  const snapshots = new Map<string, Snapshot>();
  const saveNow = (snapshot: Snapshot) => {
    const old = snapshots.get(snapshot.streamId);
    if (!old || old.version <= snapshot.version) snapshots.set(snapshot.streamId, jsonCopy(snapshot));
  };
  return {
    saveNow,
    async save(snapshot) {
      saveNow(snapshot);
    },
    async load(streamId) {
      const s = snapshots.get(streamId);
      return s ? jsonCopy(s) : undefined;
    },
    async delete(streamIds) {
      for (const id of streamIds) snapshots.delete(id);
    },
    async list(afterStreamId, limit) {
      const ids = [...snapshots.keys()].filter((id) => afterStreamId === undefined || compareText(id, afterStreamId) > 0).sort(compareText);
      return jsonCopy(ids.slice(0, Math.max(0, limit)).map((id) => snapshots.get(id)!));
    },
  };
}
