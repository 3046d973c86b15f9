import type { Json } from '../../domain/json.js';
import type { DefinitionStore, StoredDefinition } from '../../ports/definition-store.js';
import { definitionConflict } from '../shared/definition-conflict.js';
import type { SqliteStore } from './open-sqlite-database.js';
import { parseStoredJson } from './parse-stored-json.js';

const COLUMNS = 'id, version, hash, definition, source, registered_at';
const INSERT = `INSERT INTO definitions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id, version) DO NOTHING`;
const HASH_OF = 'SELECT hash FROM definitions WHERE id = ? AND version = ?';
const GET = `SELECT ${COLUMNS} FROM definitions WHERE id = ? AND version = ?`;
const BY_HASH = `SELECT ${COLUMNS} FROM definitions WHERE hash = ? ORDER BY id, version LIMIT 1`;
const LIST_ALL = `SELECT ${COLUMNS} FROM definitions ORDER BY id, version`;
const LIST_OF = `SELECT ${COLUMNS} FROM definitions WHERE id = ? ORDER BY version`;

interface Row {
  id: string;
  version: number;
  hash: string;
  definition: string;
  source: string | null;
  registered_at: number;
}

/** Stored definitions on SQLite: saving the same id, version and hash again is a no-op; another hash is a `DEFINITION_CONFLICT`. */
export function createSqliteDefinitionStore(store: SqliteStore): DefinitionStore {
  const decode = (r: Row): StoredDefinition => {
    const where = `definition "${r.id}" version ${r.version}`;
    return {
      id: r.id,
      version: r.version,
      hash: r.hash,
      definition: parseStoredJson<Json>(r.definition, store.path, where),
      ...(r.source !== null ? { source: parseStoredJson<Json>(r.source, store.path, `the source of ${where}`) } : {}),
      registeredAt: r.registered_at,
    };
  };
  const saveOne = store.db.transaction((d: StoredDefinition) => {
    const info = store
      .statement(INSERT)
      .run(d.id, d.version, d.hash, JSON.stringify(d.definition), d.source === undefined ? null : JSON.stringify(d.source), d.registeredAt);
    if (info.changes > 0) return undefined;
    return (store.statement(HASH_OF).get(d.id, d.version) as { hash: string }).hash;
  });
  return {
    async save(d) {
      const stored = store.guard(`saving definition "${d.id}" version ${d.version}`, () => saveOne.immediate(d));
      if (stored !== undefined && stored !== d.hash) throw definitionConflict(d.id, d.version, stored, d.hash);
    },
    async get(id, version) {
      const row = store.guard('reading a definition', () => store.statement(GET).get(id, version) as Row | undefined);
      return row ? decode(row) : undefined;
    },
    async getByHash(hash) {
      const row = store.guard('reading a definition', () => store.statement(BY_HASH).get(hash) as Row | undefined);
      return row ? decode(row) : undefined;
    },
    async list(id) {
      const rows = store.guard('listing definitions', () =>
        (id === undefined ? store.statement(LIST_ALL).all() : store.statement(LIST_OF).all(id)) as Row[],
      );
      return rows.map(decode);
    },
  };
}
