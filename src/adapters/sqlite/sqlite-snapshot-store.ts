import type { Json } from '../../domain/json.js';
import type { Snapshot, SnapshotStore } from '../../ports/snapshot-store.js';
import type { SqliteStore } from './open-sqlite-database.js';
import { parseStoredJson } from './parse-stored-json.js';

// An older version never replaces a newer snapshot (equal versions replace).
const SAVE =
  'INSERT INTO snapshots (stream_id, version, schema, state, hash) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, schema = excluded.schema, state = excluded.state, hash = excluded.hash ' +
  'WHERE excluded.version >= snapshots.version';
const LOAD = 'SELECT stream_id, version, schema, state, hash FROM snapshots WHERE stream_id = ?';
const LIST_FIRST = 'SELECT stream_id, version, schema, state, hash FROM snapshots ORDER BY stream_id LIMIT ?';
const LIST_AFTER = 'SELECT stream_id, version, schema, state, hash FROM snapshots WHERE stream_id > ? ORDER BY stream_id LIMIT ?';
const DELETE = 'DELETE FROM snapshots WHERE stream_id = ?';

interface Row {
  stream_id: string;
  version: number;
  schema: number;
  state: string;
  hash: string;
}

/** Save a snapshot inside the caller's transaction (an older version changes nothing). */
export function saveSnapshotRow(store: SqliteStore, s: Snapshot): void {
  store.statement(SAVE).run(s.streamId, s.version, s.schema, JSON.stringify(s.state), s.hash);
}

/** Snapshots on SQLite: one row per stream, an older version never replaces a newer one. */
export function createSqliteSnapshotStore(store: SqliteStore): SnapshotStore {
  const deleteAll = store.db.transaction((ids: readonly string[]) => {
    for (const id of ids) store.statement(DELETE).run(id);
  });
  const decode = (row: Row): Snapshot => ({
    streamId: row.stream_id,
    version: row.version,
    hash: row.hash,
    schema: row.schema,
    state: parseStoredJson<Json>(row.state, store.path, `the snapshot of stream "${row.stream_id}"`),
  });
  return {
    async save(s) {
      store.guard('saving a snapshot', () => saveSnapshotRow(store, s));
    },
    async load(streamId) {
      return store.guard('loading a snapshot', () => {
        const row = store.statement(LOAD).get(streamId) as Row | undefined;
        return row ? decode(row) : undefined;
      });
    },
    async delete(streamIds) {
      if (streamIds.length > 0) store.guard('deleting snapshots', () => deleteAll.immediate(streamIds));
    },
    async list(afterStreamId, limit) {
      const n = Math.max(0, limit);
      return store.guard('listing snapshots', () =>
        ((afterStreamId === undefined ? store.statement(LIST_FIRST).all(n) : store.statement(LIST_AFTER).all(afterStreamId, n)) as Row[]).map(decode),
      );
    },
  };
}
