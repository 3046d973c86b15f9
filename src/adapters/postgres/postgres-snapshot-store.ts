import type { Json } from '../../domain/json.js';
import type { Snapshot, SnapshotStore } from '../../ports/snapshot-store.js';
import { run, statement, type PgContext } from './pg-context.js';
import { deleteSnapshotsSql } from './sql/delete-snapshots.js';
import { loadSnapshotSql } from './sql/load-snapshot.js';
import { saveSnapshotSql } from './sql/save-snapshot.js';

/** Snapshots on PostgreSQL: one row per stream, the latest save wins. */
export function createPostgresSnapshotStore(ctx: PgContext): SnapshotStore {
  const st = {
    save: statement(ctx, 'save-snapshot', saveSnapshotSql),
    load: statement(ctx, 'load-snapshot', loadSnapshotSql),
    delete: statement(ctx, 'delete-snapshots', deleteSnapshotsSql),
  };
  return {
    async save(s) {
      await run(ctx, 'saving a snapshot', st.save, [s.streamId, s.version, s.schema, JSON.stringify(s.state)]);
    },
    async load(streamId) {
      const [row] = await run<{ stream_id: string; version: number; schema: number; state: Json }>(ctx, 'loading a snapshot', st.load, [streamId]);
      return row ? ({ streamId: row.stream_id, version: row.version, schema: row.schema, state: row.state } satisfies Snapshot) : undefined;
    },
    async delete(streamIds) {
      if (streamIds.length > 0) await run(ctx, 'deleting snapshots', st.delete, [[...streamIds]]);
    },
  };
}
