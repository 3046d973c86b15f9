import type { Json } from '../../domain/json.js';
import type { Snapshot, SnapshotStore } from '../../ports/snapshot-store.js';
import { snapshotValues } from './instance-rows.js';
import { run, statement, type PgContext } from './pg-context.js';
import { deleteSnapshotsSql } from './sql/delete-snapshots.js';
import { listSnapshotsSql } from './sql/list-snapshots.js';
import { loadSnapshotSql } from './sql/load-snapshot.js';
import { saveSnapshotsParamsSql } from './sql/save-snapshots.js';

interface Row {
  stream_id: string;
  version: number;
  schema: number;
  state: Json;
  hash: string;
}

const decode = (r: Row): Snapshot => ({ streamId: r.stream_id, version: r.version, hash: r.hash, schema: r.schema, state: r.state });

/** Snapshots on PostgreSQL: one row per stream, an older version never replaces a newer one. */
export function createPostgresSnapshotStore(ctx: PgContext): SnapshotStore {
  const st = {
    save: statement(ctx, 'save-snapshots', saveSnapshotsParamsSql),
    load: statement(ctx, 'load-snapshot', loadSnapshotSql),
    list: statement(ctx, 'list-snapshots', listSnapshotsSql),
    delete: statement(ctx, 'delete-snapshots', deleteSnapshotsSql),
  };
  return {
    async save(s) {
      await run(ctx, 'saving a snapshot', st.save, snapshotValues([s]));
    },
    async load(streamId) {
      const [row] = await run<Row>(ctx, 'loading a snapshot', st.load, [streamId]);
      return row ? decode(row) : undefined;
    },
    async delete(streamIds) {
      if (streamIds.length > 0) await run(ctx, 'deleting snapshots', st.delete, [[...streamIds]]);
    },
    async list(afterStreamId, limit) {
      const rows = await run<Row>(ctx, 'listing snapshots', st.list, [afterStreamId ?? null, Math.max(0, limit)]);
      return rows.map(decode);
    },
  };
}
