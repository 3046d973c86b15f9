import { WfeError } from '../../domain/errors.js';
import type { FieldFilter } from '../../ports/instance-index.js';
import { missingCompletedAt, type ValidSearch } from '../../projections/search-query.js';
import { dataKey } from './search-mapping.js';

/** An OpenSearch query clause (query DSL as JSON). */
export type Clause = Record<string, unknown>;

/** The body of an OpenSearch `_search` request. */
export interface SearchBody {
  readonly query: Clause;
  readonly sort: Clause[];
  readonly size: number;
  readonly track_total_hits: false;
}

const term = (field: string, value: unknown): Clause => ({ term: { [field]: value } });
const range = (field: string, bounds: Record<string, unknown>): Clause => ({ range: { [field]: bounds } });
const not = (...clauses: Clause[]): Clause => ({ bool: { must_not: clauses } });
const all = (...clauses: Clause[]): Clause => ({ bool: { filter: clauses } });
const any = (...clauses: Clause[]): Clause => ({ bool: { should: clauses, minimum_should_match: 1 } });
const exists = (field: string): Clause => ({ exists: { field } });

/** One `where` filter on a declared data field, as `fieldMatches` in search-query.ts decides it. */
function fieldClause(f: FieldFilter, index: number, declared: ReadonlySet<string>): Clause {
  if (!declared.has(f.field)) {
    throw new WfeError('INVALID_QUERY', `search query: where[${index}].field ${JSON.stringify(f.field)} is not a data field of this OpenSearch index (declared: ${[...declared].join(', ') || 'none'})`, {
      part: `where[${index}].field`,
    });
  }
  const base = `data.${dataKey(f.field)}`;
  const typed = f.value === null ? 'z' : typeof f.value === 'number' ? 'n' : typeof f.value === 'string' ? 's' : 'b';
  const field = `${base}.${typed}`;
  // eq null: a null or a missing field, i.e. no value of any type.
  const eq = f.value === null ? not(exists(`${base}.n`), exists(`${base}.s`), exists(`${base}.b`)) : term(field, f.value);
  switch (f.op) {
    case 'eq':
      return eq;
    case 'ne':
      return not(eq);
    default:
      return range(field, { [f.op]: f.value });
  }
}

/** Documents after the cursor's position: (key, id) compared in the query's direction, a missing `completedAt` last. */
function afterClause(v: ValidSearch): Clause | undefined {
  if (!v.after) return undefined;
  const { by, order } = v.sort;
  const { key, id } = v.after;
  const past = order === 'asc' ? 'gt' : 'lt';
  const sameKeyLaterId = (keyClause: Clause) => all(keyClause, range('instanceId', { [past]: id }));
  if (by === 'completedAt' && key === missingCompletedAt(order)) return sameKeyLaterId(not(exists('completedAt')));
  const later = [range(by, { [past]: key }), sameKeyLaterId(term(by, key))];
  if (by === 'completedAt') later.push(not(exists('completedAt')));
  return any(...later);
}

/**
 * The OpenSearch request answering a validated query exactly as `searchDocuments` does: every
 * criterion a filter (no scoring), text as wfe's tokens (`term`, or `prefix` for `word*`), sorted by
 * the key then the instance id in the same direction, one more item than the page to tell whether
 * more follow. `INVALID_QUERY` for a `where` on a field the index does not declare.
 */
export function toSearchBody(v: ValidSearch, declared: ReadonlySet<string>): SearchBody {
  const q = v.query;
  const filters: Clause[] = [];
  if (v.statuses) filters.push({ terms: { status: [...v.statuses] } });
  if (q.definitionId !== undefined) filters.push(term('definitionId', q.definitionId));
  if (q.definitionVersion !== undefined) filters.push(term('definitionVersion', q.definitionVersion));
  if (q.reference !== undefined) filters.push(term('reference', q.reference));
  const created = { ...(q.createdFrom !== undefined ? { gte: q.createdFrom } : {}), ...(q.createdTo !== undefined ? { lt: q.createdTo } : {}) };
  if (Object.keys(created).length) filters.push(range('createdAt', created));
  const completed = { ...(q.completedFrom !== undefined ? { gte: q.completedFrom } : {}), ...(q.completedTo !== undefined ? { lt: q.completedTo } : {}) };
  if (Object.keys(completed).length) filters.push(range('completedAt', completed));
  if (q.waitingFor !== undefined) filters.push(term('waiting.eventName', q.waitingFor));
  if (q.failedStep !== undefined) filters.push(term('failedSteps', q.failedStep));
  (q.where ?? []).forEach((f, i) => filters.push(fieldClause(f, i, declared)));
  for (const t of v.terms) filters.push(t.prefix ? { prefix: { tokens: t.token } } : term('tokens', t.token));
  const after = afterClause(v);
  if (after) filters.push(after);
  const { by, order } = v.sort;
  return {
    query: filters.length ? all(...filters) : { match_all: {} },
    sort: [{ [by]: { order, missing: '_last' } }, { instanceId: { order } }],
    size: v.limit + 1,
    track_total_hits: false,
  };
}
