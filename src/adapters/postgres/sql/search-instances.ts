import { missingCompletedAt, type ValidSearch } from '../../../projections/search-query.js';
import { instanceColumnsSql } from './instance-columns.js';

const SORT_COLUMN = { createdAt: 'created_at', updatedAt: 'updated_at', completedAt: 'completed_at' } as const;
const CMP = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The tsquery of a search's words: each token quoted (letters and digits only), `:*` for a prefix, all required. */
export function tsQueryText(v: ValidSearch): string {
  return v.terms.map((t) => `'${t.token}'${t.prefix ? ':*' : ''}`).join(' & ');
}

/**
 * One search over the instance rows, with parameters: the statement's shape depends only on which
 * criteria are present. Field filters check the JSON type before comparing (`CASE`, since SQL does
 * not promise the order of `AND`); strings compare in "C" collation, numbers as numeric. Fetches one
 * row more than the page, to know whether more follow.
 */
export function searchInstancesSql(s: string, v: ValidSearch): { text: string; values: unknown[] } {
  const q = v.query;
  const where: string[] = [];
  const values: unknown[] = [];
  const p = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (v.statuses) where.push(`status = ANY(${p(v.statuses)}::text[])`);
  if (q.definitionId !== undefined) where.push(`definition_id = ${p(q.definitionId)}`);
  if (q.definitionVersion !== undefined) where.push(`definition_version = ${p(q.definitionVersion)}::int`);
  if (q.reference !== undefined) where.push(`reference = ${p(q.reference)}`);
  if (q.createdFrom !== undefined) where.push(`created_at >= ${p(q.createdFrom)}::bigint`);
  if (q.createdTo !== undefined) where.push(`created_at < ${p(q.createdTo)}::bigint`);
  if (q.completedFrom !== undefined) where.push(`completed_at >= ${p(q.completedFrom)}::bigint`);
  if (q.completedTo !== undefined) where.push(`completed_at < ${p(q.completedTo)}::bigint`);
  if (q.waitingFor !== undefined) where.push(`waiting @> jsonb_build_array(jsonb_build_object('eventName', ${p(q.waitingFor)}::text))`);
  if (q.failedStep !== undefined) where.push(`failed_steps @> jsonb_build_array(${p(q.failedStep)}::text)`);
  for (const f of q.where ?? []) {
    const field = p(f.field);
    const type = `jsonb_typeof(fields -> ${field}::text)`;
    const eq = (): string => {
      if (f.value === null) return `coalesce(${type}, 'null') = 'null'`;
      if (typeof f.value === 'boolean') return `coalesce(fields -> ${field}::text = ${p(f.value ? 'true' : 'false')}::jsonb, false)`;
      if (typeof f.value === 'number') return `CASE WHEN ${type} = 'number' THEN (fields ->> ${field}::text)::numeric = ${p(f.value)}::numeric ELSE false END`;
      return `CASE WHEN ${type} = 'string' THEN (fields ->> ${field}::text) COLLATE "C" = ${p(f.value)}::text ELSE false END`;
    };
    if (f.op === 'eq') where.push(eq());
    else if (f.op === 'ne') where.push(`NOT (${eq()})`);
    else if (typeof f.value === 'number') {
      where.push(`CASE WHEN ${type} = 'number' THEN (fields ->> ${field}::text)::numeric ${CMP[f.op]} ${p(f.value)}::numeric ELSE false END`);
    } else {
      where.push(`CASE WHEN ${type} = 'string' THEN (fields ->> ${field}::text) COLLATE "C" ${CMP[f.op]} ${p(f.value)}::text ELSE false END`);
    }
  }
  if (v.terms.length > 0) where.push(`search @@ ${p(tsQueryText(v))}::tsquery`);
  const column = SORT_COLUMN[v.sort.by];
  const key = v.sort.by === 'completedAt' ? `coalesce(${column}, ${missingCompletedAt(v.sort.order)})` : column;
  const dir = v.sort.order === 'asc' ? 'ASC' : 'DESC';
  if (v.after) where.push(`(${key}, instance_id) ${v.sort.order === 'asc' ? '>' : '<'} (${p(v.after.key)}::bigint, ${p(v.after.id)}::text)`);
  const filter = where.length > 0 ? `\nWHERE ${where.join('\n  AND ')}` : '';
  const limit = p(v.limit + 1);
  return { text: `SELECT ${instanceColumnsSql} FROM ${s}.instances${filter}\nORDER BY ${key} ${dir}, instance_id ${dir}\nLIMIT ${limit}`, values };
}
