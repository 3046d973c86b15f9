import type { ValidSearch } from '../../projections/search-query.js';
import { missingCompletedAt } from '../../projections/search-query.js';

/** The columns of an instance row as `InstanceSummary` needs them. */
export const INSTANCE_COLUMNS =
  'instance_id, definition_id, definition_version, definition_hash, reference, parent_instance_id, status, created_at, updated_at, ' +
  'completed_at, next_due_at, version, waiting, sleeping, failed_steps, error, fields, text';

const SORT_COLUMN = { createdAt: 'created_at', updatedAt: 'updated_at', completedAt: 'completed_at' } as const;

/** An FTS5 query: every term quoted (tokens are letters and digits only), prefixes with `*`, all required. */
export function ftsMatch(v: ValidSearch): string {
  return v.terms.map((t) => `"${t.token}"${t.prefix ? '*' : ''}`).join(' ');
}

/**
 * The SQL and parameters of a search on SQLite (one more row than the page, to know that more
 * follow). The statement text depends only on which criteria are present, so statements are
 * prepared once per shape.
 */
export function buildSqliteSearch(v: ValidSearch): { sql: string; params: unknown[] } {
  const q = v.query;
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (v.statuses) add(`status IN (${v.statuses.map(() => '?').join(', ')})`, ...v.statuses);
  if (q.definitionId !== undefined) add('definition_id = ?', q.definitionId);
  if (q.definitionVersion !== undefined) add('definition_version = ?', q.definitionVersion);
  if (q.reference !== undefined) add('reference = ?', q.reference);
  if (q.createdFrom !== undefined) add('created_at >= ?', q.createdFrom);
  if (q.createdTo !== undefined) add('created_at < ?', q.createdTo);
  if (q.completedFrom !== undefined) add('completed_at >= ?', q.completedFrom);
  if (q.completedTo !== undefined) add('completed_at < ?', q.completedTo);
  if (q.waitingFor !== undefined) add("EXISTS (SELECT 1 FROM json_each(waiting) WHERE json_extract(value, '$.eventName') = ?)", q.waitingFor);
  if (q.failedStep !== undefined) add('EXISTS (SELECT 1 FROM json_each(failed_steps) WHERE value = ?)', q.failedStep);
  for (const f of q.where ?? []) {
    const path = `$."${f.field}"`;
    const type = typeof f.value;
    let eq: string;
    let eqParams: unknown[];
    if (f.value === null) [eq, eqParams] = ["coalesce(json_type(fields, ?), 'null') = 'null'", [path]];
    else if (type === 'boolean') [eq, eqParams] = ['coalesce(json_type(fields, ?) = ?, 0)', [path, f.value ? 'true' : 'false']];
    else if (type === 'number') [eq, eqParams] = ["coalesce(json_type(fields, ?) IN ('integer', 'real') AND json_extract(fields, ?) = ?, 0)", [path, path, f.value]];
    else [eq, eqParams] = ["coalesce(json_type(fields, ?) = 'text' AND json_extract(fields, ?) = ?, 0)", [path, path, f.value]];
    if (f.op === 'eq') add(eq, ...eqParams);
    else if (f.op === 'ne') add(`NOT ${eq}`, ...eqParams);
    else {
      const cmp = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op];
      const types = type === 'number' ? "('integer', 'real')" : "('text')";
      add(`coalesce(json_type(fields, ?) IN ${types} AND json_extract(fields, ?) ${cmp} ?, 0)`, path, path, f.value);
    }
  }
  if (v.terms.length > 0) add('row_id IN (SELECT rowid FROM instances_fts WHERE instances_fts MATCH ?)', ftsMatch(v));
  const column = SORT_COLUMN[v.sort.by];
  const key = v.sort.by === 'completedAt' ? `coalesce(${column}, ${missingCompletedAt(v.sort.order)})` : column;
  const dir = v.sort.order === 'asc' ? 'ASC' : 'DESC';
  if (v.after) add(`(${key}, instance_id) ${v.sort.order === 'asc' ? '>' : '<'} (?, ?)`, v.after.key, v.after.id);
  params.push(v.limit + 1);
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT ${INSTANCE_COLUMNS} FROM instances${filter} ORDER BY ${key} ${dir}, instance_id ${dir} LIMIT ?`, params };
}
