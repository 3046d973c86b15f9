import type { Json } from '../../domain/json.js';
import type { DefinitionStore, StoredDefinition } from '../../ports/definition-store.js';
import { definitionConflict } from '../shared/definition-conflict.js';
import { num, run, statement, type PgContext } from './pg-context.js';
import { definitionByHashSql } from './sql/definition-by-hash.js';
import { getDefinitionSql } from './sql/get-definition.js';
import { listDefinitionsSql } from './sql/list-definitions.js';
import { saveDefinitionSql } from './sql/save-definition.js';

interface Row {
  id: string;
  version: number;
  hash: string;
  definition: Json;
  source: Json | null;
  registered_at: string;
}

const decode = (r: Row): StoredDefinition => ({
  id: r.id,
  version: r.version,
  hash: r.hash,
  definition: r.definition,
  ...(r.source !== null ? { source: r.source } : {}),
  registeredAt: num(r.registered_at),
});

/** Stored definitions on PostgreSQL: saving the same id, version and hash again is a no-op; another hash is a `DEFINITION_CONFLICT`. */
export function createPostgresDefinitionStore(ctx: PgContext): DefinitionStore {
  const st = {
    save: statement(ctx, 'save-definition', saveDefinitionSql),
    get: statement(ctx, 'get-definition', getDefinitionSql),
    byHash: statement(ctx, 'definition-by-hash', definitionByHashSql),
    list: statement(ctx, 'list-definitions', listDefinitionsSql),
  };
  return {
    async save(d) {
      const rows = await run<{ hash: string }>(ctx, `saving definition "${d.id}" version ${d.version}`, st.save, [
        d.id,
        d.version,
        d.hash,
        JSON.stringify(d.definition),
        d.source === undefined ? null : JSON.stringify(d.source),
        d.registeredAt,
      ]);
      // No row: another session inserted it after this statement's snapshot was taken; read it now.
      const stored = rows[0]?.hash ?? (await run<Row>(ctx, 'reading a definition', st.get, [d.id, d.version]))[0]?.hash;
      if (stored !== undefined && stored !== d.hash) throw definitionConflict(d.id, d.version, stored, d.hash);
    },
    async get(id, version) {
      const [row] = await run<Row>(ctx, 'reading a definition', st.get, [id, version]);
      return row ? decode(row) : undefined;
    },
    async getByHash(hash) {
      const [row] = await run<Row>(ctx, 'reading a definition', st.byHash, [hash]);
      return row ? decode(row) : undefined;
    },
    async list(id) {
      return (await run<Row>(ctx, 'listing definitions', st.list, [id ?? null])).map(decode);
    },
  };
}
