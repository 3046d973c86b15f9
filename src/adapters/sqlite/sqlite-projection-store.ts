import type { Json } from '../../domain/json.js';
import { parsePosition } from '../../log/position.js';
import type { Checkpoint, DocumentWrite, ProjectionStore } from '../../ports/projection-store.js';
import type { SqliteStore } from './open-sqlite-database.js';
import { parseStoredJson } from './parse-stored-json.js';

const PUT =
  'INSERT INTO projection_documents (projection, key, document) VALUES (?, ?, ?) ON CONFLICT (projection, key) DO UPDATE SET document = excluded.document';
const DELETE_DOC = 'DELETE FROM projection_documents WHERE projection = ? AND key = ?';
const GET = 'SELECT document FROM projection_documents WHERE projection = ? AND key = ?';
const LIST_FIRST = 'SELECT key, document FROM projection_documents WHERE projection = ? ORDER BY key LIMIT ?';
const LIST_AFTER = 'SELECT key, document FROM projection_documents WHERE projection = ? AND key > ? ORDER BY key LIMIT ?';
const CLEAR_DOCS = 'DELETE FROM projection_documents WHERE projection = ?';
const MOVE_DOCS = 'UPDATE projection_documents SET projection = ? WHERE projection = ?';
const LOAD_CP = 'SELECT projection, projection_version, position, updated_at FROM projection_checkpoints WHERE projection = ?';
const SAVE_CP =
  'INSERT INTO projection_checkpoints (projection, projection_version, position, updated_at) VALUES (?, ?, ?, ?) ' +
  'ON CONFLICT (projection) DO UPDATE SET projection_version = excluded.projection_version, position = excluded.position, updated_at = excluded.updated_at';
const CLEAR_CP = 'DELETE FROM projection_checkpoints WHERE projection = ?';
const MOVE_CP = 'UPDATE projection_checkpoints SET projection = ? WHERE projection = ?';

/** Put or delete documents inside the caller's transaction. */
export function writeDocumentRows(store: SqliteStore, writes: readonly DocumentWrite[]): void {
  for (const w of writes) {
    if (w.document === null) store.statement(DELETE_DOC).run(w.projection, w.key);
    else store.statement(PUT).run(w.projection, w.key, JSON.stringify(w.document));
  }
}

/** Projection documents and checkpoints on SQLite; `commit`, `clear` and `swap` are one transaction each. */
export function createSqliteProjectionStore(store: SqliteStore, onClose?: () => void): ProjectionStore {
  const json = (text: string, projection: string, key: string) => parseStoredJson<Json>(text, store.path, `document "${key}" of projection "${projection}"`);
  const saveCheckpoint = (c: Checkpoint) => store.statement(SAVE_CP).run(c.projection, c.projectionVersion, c.position ?? null, c.updatedAt);
  const commit = store.db.transaction((writes: readonly DocumentWrite[], checkpoint: Checkpoint | undefined) => {
    writeDocumentRows(store, writes);
    if (checkpoint) saveCheckpoint(checkpoint);
  });
  const clear = store.db.transaction((projection: string) => {
    store.statement(CLEAR_DOCS).run(projection);
    store.statement(CLEAR_CP).run(projection);
  });
  const swap = store.db.transaction((source: string, target: string) => {
    clear(target);
    store.statement(MOVE_DOCS).run(target, source);
    store.statement(MOVE_CP).run(target, source);
  });
  let closed = false;
  return {
    async loadCheckpoint(projection) {
      const row = store.guard('loading a checkpoint', () => store.statement(LOAD_CP).get(projection)) as
        | { projection: string; projection_version: number; position: string | null; updated_at: number }
        | undefined;
      if (!row) return undefined;
      return {
        projection: row.projection,
        projectionVersion: row.projection_version,
        ...(row.position !== null ? { position: parsePosition(row.position) } : {}),
        updatedAt: row.updated_at,
      };
    },
    async saveCheckpoint(checkpoint) {
      store.guard('saving a checkpoint', () => saveCheckpoint(checkpoint));
    },
    async commit(writes, checkpoint) {
      if (writes.length === 0 && !checkpoint) return;
      store.guard('committing projection documents', () => commit.immediate(writes, checkpoint));
    },
    async get(projection, key) {
      const row = store.guard('reading a projection document', () => store.statement(GET).get(projection, key)) as { document: string } | undefined;
      return row ? json(row.document, projection, key) : undefined;
    },
    async getMany(projection, keys) {
      const out = new Map<string, Json>();
      store.guard('reading projection documents', () => {
        for (const key of new Set(keys)) {
          const row = store.statement(GET).get(projection, key) as { document: string } | undefined;
          if (row) out.set(key, json(row.document, projection, key));
        }
      });
      return out;
    },
    async list(projection, afterKey, limit) {
      const n = Math.max(0, limit);
      const rows = store.guard('listing projection documents', () =>
        afterKey === undefined ? store.statement(LIST_FIRST).all(projection, n) : store.statement(LIST_AFTER).all(projection, afterKey, n),
      ) as { key: string; document: string }[];
      return rows.map((r) => ({ key: r.key, document: json(r.document, projection, r.key) }));
    },
    async clear(projection) {
      store.guard('clearing a projection', () => clear.immediate(projection));
    },
    async swap(source, target) {
      if (source === target) return;
      store.guard('swapping projections', () => swap.immediate(source, target));
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose?.();
    },
  };
}
