import type { Json } from '../../domain/json.js';
import type { SnapshotStore } from '../../ports/snapshot-store.js';
import type { SqliteStore } from './open-sqlite-database.js';
import { parseStoredJson } from './parse-stored-json.js';

const SAVE =
  'INSERT INTO snapshots (stream_id, version, schema, state) VALUES (?, ?, ?, ?) ' +
  'ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, schema = excluded.schema, state = excluded.state';
const LOAD = 'SELECT version, schema, state FROM snapshots WHERE stream_id = ?';
const DELETE = 'DELETE FROM snapshots WHERE stream_id = ?';

/** Snapshots on SQLite: one row per stream, the last save wins. */
export function createSqliteSnapshotStore(store: SqliteStore): SnapshotStore {
  const deleteAll = store.db.transaction((ids: readonly string[]) => {
    for (const id of ids) store.statement(DELETE).run(id);
  });
  return {
    async save(s) {
      store.guard('saving a snapshot', () => store.statement(SAVE).run(s.streamId, s.version, s.schema, JSON.stringify(s.state)));
    },
    async load(streamId) {
      return store.guard('loading a snapshot', () => {
        const row = store.statement(LOAD).get(streamId) as { version: number; schema: number; state: string } | undefined;
        if (!row) return undefined;
        const state = parseStoredJson<Json>(row.state, store.path, `the snapshot of stream "${streamId}"`);
        return { streamId, version: row.version, schema: row.schema, state };
      });
    },
    async delete(streamIds) {
      if (streamIds.length > 0) store.guard('deleting snapshots', () => deleteAll.immediate(streamIds));
    },
  };
}
