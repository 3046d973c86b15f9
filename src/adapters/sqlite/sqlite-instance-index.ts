import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceIndex, InstanceQuery, InstanceSummary } from '../../ports/instance-index.js';
import { documentTokens, pageOf, validateSearchQuery } from '../../projections/search-query.js';
import type { SqliteStore } from './open-sqlite-database.js';
import { parseStoredJson } from './parse-stored-json.js';
import { buildSqliteSearch, INSTANCE_COLUMNS } from './sqlite-search.js';

// The version guard: a row never goes back to an older version of the instance (equal versions
// replace, so a rebuild can rewrite a row). The FTS table follows through the triggers of migration 2.
const UPSERT = `
  INSERT INTO instances (instance_id, definition_id, definition_version, definition_hash, reference, parent_instance_id, status,
    created_at, updated_at, completed_at, next_due_at, version, waiting, sleeping, failed_steps, error, fields, text, search_text)
  VALUES (@instanceId, @definitionId, @definitionVersion, @definitionHash, @reference, @parentInstanceId, @status,
    @createdAt, @updatedAt, @completedAt, @nextDueAt, @version, @waiting, @sleeping, @failedSteps, @error, @fields, @text, @searchText)
  ON CONFLICT (instance_id) DO UPDATE SET
    definition_id = excluded.definition_id, definition_version = excluded.definition_version, definition_hash = excluded.definition_hash,
    reference = excluded.reference, parent_instance_id = excluded.parent_instance_id, status = excluded.status,
    created_at = excluded.created_at, updated_at = excluded.updated_at, completed_at = excluded.completed_at,
    next_due_at = excluded.next_due_at, version = excluded.version, waiting = excluded.waiting, sleeping = excluded.sleeping,
    failed_steps = excluded.failed_steps, error = excluded.error, fields = excluded.fields, text = excluded.text,
    search_text = excluded.search_text
  WHERE excluded.version >= instances.version`;
// The same for the rows an append writes inline: the columns an instance never changes (definition,
// reference, parent, creation time) are left out of the update, so that their indexes are not
// rewritten with every step. A row edited by hand keeps such an edit until a rebuild (the full
// statement above) repairs it; verify reports it meanwhile.
const UPSERT_LIVE = `${UPSERT.slice(0, UPSERT.indexOf('DO UPDATE SET'))}DO UPDATE SET
    status = excluded.status, updated_at = excluded.updated_at, completed_at = excluded.completed_at,
    next_due_at = excluded.next_due_at, version = excluded.version, waiting = excluded.waiting, sleeping = excluded.sleeping,
    failed_steps = excluded.failed_steps, error = excluded.error, fields = excluded.fields, text = excluded.text,
    search_text = excluded.search_text
  WHERE excluded.version >= instances.version`;
const GET = `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE instance_id = ?`;
const LIST_FIRST = `SELECT ${INSTANCE_COLUMNS} FROM instances ORDER BY instance_id LIMIT ?`;
const LIST_AFTER = `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE instance_id > ? ORDER BY instance_id LIMIT ?`;
const COUNTS = 'SELECT definition_id, status, count(*) AS count FROM instances GROUP BY definition_id, status ORDER BY definition_id, status';
const REMOVE = 'DELETE FROM instances WHERE instance_id = ?';

interface Row {
  instance_id: string;
  definition_id: string;
  definition_version: number;
  definition_hash: string | null;
  reference: string | null;
  parent_instance_id: string | null;
  status: WorkflowStatus;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  next_due_at: number | null;
  version: number;
  waiting: string;
  sleeping: string;
  failed_steps: string;
  error: string | null;
  fields: string;
  text: string;
}

function toSummary(r: Row, path: string): InstanceSummary {
  const json = <T>(text: string, column: string) => parseStoredJson<T>(text, path, `${column} of instance "${r.instance_id}"`);
  return {
    instanceId: r.instance_id,
    definitionId: r.definition_id,
    definitionVersion: r.definition_version,
    ...(r.definition_hash !== null ? { definitionHash: r.definition_hash } : {}),
    ...(r.reference !== null ? { reference: r.reference } : {}),
    ...(r.parent_instance_id !== null ? { parentInstanceId: r.parent_instance_id } : {}),
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.completed_at !== null ? { completedAt: r.completed_at } : {}),
    ...(r.next_due_at !== null ? { nextDueAt: r.next_due_at } : {}),
    version: r.version,
    waiting: json(r.waiting, 'waiting'),
    sleeping: json(r.sleeping, 'sleeping'),
    failedSteps: json(r.failed_steps, 'failed_steps'),
    ...(r.error !== null ? { error: r.error } : {}),
    fields: json(r.fields, 'fields'),
    text: r.text,
  };
}

/**
 * Write one index row inside the caller's transaction (the version guard applies). `live`: the row
 * of an append (see UPSERT_LIVE); otherwise every column is written (rebuild, repair).
 */
export function upsertInstanceRow(store: SqliteStore, s: InstanceSummary, live = false): void {
  store.statement(live ? UPSERT_LIVE : UPSERT).run({
    instanceId: s.instanceId,
    definitionId: s.definitionId,
    definitionVersion: s.definitionVersion,
    definitionHash: s.definitionHash ?? null,
    reference: s.reference ?? null,
    parentInstanceId: s.parentInstanceId ?? null,
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    completedAt: s.completedAt ?? null,
    nextDueAt: s.nextDueAt ?? null,
    version: s.version,
    waiting: JSON.stringify(s.waiting ?? []),
    sleeping: JSON.stringify(s.sleeping ?? []),
    failedSteps: JSON.stringify(s.failedSteps ?? []),
    error: s.error ?? null,
    fields: JSON.stringify(s.fields ?? {}),
    text: s.text ?? '',
    searchText: documentTokens(s.text ?? '').join(' '),
  });
}

/** The query's SQL and parameters; statements are cached per distinct SQL text. */
function buildQuery(q: InstanceQuery): { sql: string; params: unknown[] } | undefined {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status !== undefined) {
    const statuses: readonly WorkflowStatus[] = typeof q.status === 'string' ? [q.status] : q.status;
    if (statuses.length === 0) return undefined;
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (q.definitionId !== undefined) {
    where.push('definition_id = ?');
    params.push(q.definitionId);
  }
  if (q.reference !== undefined) {
    where.push('reference = ?');
    params.push(q.reference);
  }
  if (q.before !== undefined) {
    where.push('coalesce(completed_at, created_at) < ?');
    params.push(q.before);
  }
  params.push(q.limit === undefined ? -1 : Math.max(0, q.limit), Math.max(0, q.offset ?? 0));
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT ${INSTANCE_COLUMNS} FROM instances${filter} ORDER BY created_at, instance_id LIMIT ? OFFSET ?`, params };
}

/**
 * The instance index on SQLite: rows with JSON columns for the lists and fields, full text in an
 * FTS5 table kept in step by triggers. `query` lists oldest first (ties by instance id); `search`
 * follows `searchDocuments` (src/projections/search-query.ts).
 */
export function createSqliteInstanceIndex(store: SqliteStore, onClose?: () => void): InstanceIndex {
  const upsertAll = store.db.transaction((summaries: readonly InstanceSummary[]) => {
    for (const s of summaries) upsertInstanceRow(store, s);
  });
  const removeAll = store.db.transaction((ids: readonly string[]) => {
    for (const id of ids) store.statement(REMOVE).run(id);
  });
  const rows = (sql: string, params: unknown[]) => (store.statement(sql).all(...params) as Row[]).map((r) => toSummary(r, store.path));
  let closed = false;
  return {
    async upsert(summaries) {
      if (summaries.length > 0) store.guard('indexing instances', () => upsertAll.immediate(summaries));
    },
    async get(instanceId) {
      return store.guard('reading the instance index', () => rows(GET, [instanceId])[0]);
    },
    async query(q) {
      const built = buildQuery(q);
      if (!built) return [];
      return store.guard('querying instances', () => rows(built.sql, built.params));
    },
    async search(q) {
      const v = validateSearchQuery(q);
      const built = buildSqliteSearch(v);
      return pageOf(store.guard('searching instances', () => rows(built.sql, built.params)), v);
    },
    async countByStatus() {
      const found = store.guard('counting instances', () => store.statement(COUNTS).all() as { definition_id: string; status: WorkflowStatus; count: number }[]);
      return found.map((r) => ({ definitionId: r.definition_id, status: r.status, count: r.count }));
    },
    async list(afterInstanceId, limit) {
      const n = Math.max(0, limit);
      return store.guard('listing instances', () => (afterInstanceId === undefined ? rows(LIST_FIRST, [n]) : rows(LIST_AFTER, [afterInstanceId, n])));
    },
    async remove(instanceIds) {
      if (instanceIds.length > 0) store.guard('removing instances', () => removeAll.immediate(instanceIds));
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose?.();
    },
  };
}
