import type { Json } from '../../domain/json.js';
import { parsePosition } from '../../log/position.js';
import type { Checkpoint, ProjectionStore } from '../../ports/projection-store.js';
import { splitDocumentWrites } from './instance-rows.js';
import { inTransaction, num, run, statement, type PgContext } from './pg-context.js';
import { clearCheckpointSql } from './sql/clear-checkpoint.js';
import { clearDocumentsSql } from './sql/clear-documents.js';
import { deleteDocumentsParamsSql } from './sql/delete-documents.js';
import { getDocumentsSql } from './sql/get-documents.js';
import { listDocumentsSql } from './sql/list-documents.js';
import { loadCheckpointSql } from './sql/load-checkpoint.js';
import { moveCheckpointSql } from './sql/move-checkpoint.js';
import { moveDocumentsSql } from './sql/move-documents.js';
import { putDocumentsParamsSql } from './sql/put-documents.js';
import { saveCheckpointSql } from './sql/save-checkpoint.js';

/** Projection documents and checkpoints on PostgreSQL; `commit`, `clear` and `swap` are one transaction each. */
export function createPostgresProjectionStore(ctx: PgContext): ProjectionStore {
  const st = {
    put: statement(ctx, 'put-documents', putDocumentsParamsSql),
    del: statement(ctx, 'delete-documents', deleteDocumentsParamsSql),
    get: statement(ctx, 'get-documents', getDocumentsSql),
    list: statement(ctx, 'list-documents', listDocumentsSql),
    clearDocs: statement(ctx, 'clear-documents', clearDocumentsSql),
    moveDocs: statement(ctx, 'move-documents', moveDocumentsSql),
    loadCp: statement(ctx, 'load-checkpoint', loadCheckpointSql),
    saveCp: statement(ctx, 'save-checkpoint', saveCheckpointSql),
    clearCp: statement(ctx, 'clear-checkpoint', clearCheckpointSql),
    moveCp: statement(ctx, 'move-checkpoint', moveCheckpointSql),
  };
  const cpValues = (c: Checkpoint) => [c.projection, c.projectionVersion, c.position ?? null, c.updatedAt];
  return {
    async loadCheckpoint(projection) {
      const [row] = await run<{ projection: string; projection_version: number; position: string | null; updated_at: string }>(
        ctx,
        'loading a checkpoint',
        st.loadCp,
        [projection],
      );
      if (!row) return undefined;
      return {
        projection: row.projection,
        projectionVersion: row.projection_version,
        ...(row.position !== null ? { position: parsePosition(row.position) } : {}),
        updatedAt: num(row.updated_at),
      };
    },
    async saveCheckpoint(checkpoint) {
      await run(ctx, 'saving a checkpoint', st.saveCp, cpValues(checkpoint));
    },
    async commit(writes, checkpoint) {
      if (writes.length === 0 && !checkpoint) return;
      const { puts, deletes } = splitDocumentWrites(writes);
      await inTransaction(ctx, 'committing projection documents', async (c) => {
        if (puts.length > 0) {
          await c.query({ ...st.put, values: [puts.map((w) => w.projection), puts.map((w) => w.key), puts.map((w) => JSON.stringify(w.document))] });
        }
        if (deletes.length > 0) await c.query({ ...st.del, values: [deletes.map((w) => w.projection), deletes.map((w) => w.key)] });
        if (checkpoint) await c.query({ ...st.saveCp, values: cpValues(checkpoint) });
      });
    },
    async get(projection, key) {
      const [row] = await run<{ key: string; document: Json }>(ctx, 'reading a projection document', st.get, [projection, [key]]);
      return row?.document;
    },
    async getMany(projection, keys) {
      const out = new Map<string, Json>();
      if (keys.length === 0) return out;
      const rows = await run<{ key: string; document: Json }>(ctx, 'reading projection documents', st.get, [projection, [...new Set(keys)]]);
      for (const r of rows) out.set(r.key, r.document);
      return out;
    },
    async list(projection, afterKey, limit) {
      const rows = await run<{ key: string; document: Json }>(ctx, 'listing projection documents', st.list, [projection, afterKey ?? null, Math.max(0, limit)]);
      return rows.map((r) => ({ key: r.key, document: r.document }));
    },
    async clear(projection) {
      await inTransaction(ctx, 'clearing a projection', async (c) => {
        await c.query({ ...st.clearDocs, values: [projection] });
        await c.query({ ...st.clearCp, values: [projection] });
      });
    },
    async swap(source, target) {
      if (source === target) return;
      await inTransaction(ctx, 'swapping projections', async (c) => {
        await c.query({ ...st.clearDocs, values: [target] });
        await c.query({ ...st.clearCp, values: [target] });
        await c.query({ ...st.moveDocs, values: [source, target] });
        await c.query({ ...st.moveCp, values: [source, target] });
      });
    },
    async close() {},
  };
}
