import { WfeError } from '../domain/errors.js';
import { canonicalJson } from '../domain/json.js';
import type { WorkflowStatus } from '../domain/state.js';
import type { FieldFilter, FieldValue, InstanceSummary, SearchPage, SearchQuery, SearchSortKey } from '../ports/instance-index.js';

/**
 * The reference semantics of `InstanceIndex.search`, pure: every index (memory, SQLite, PostgreSQL,
 * OpenSearch) must answer a query as `searchDocuments` does. Adapters call `validateSearchQuery`
 * first and build their own query from the `ValidSearch` it returns.
 *
 * - text: the query's words (split on white space) are tokenized like documents (`tokenize`); every
 *   token must be a token of the document, the last token of a word ending in `*` a prefix of one.
 *   A text without any word matches everything.
 * - where: `eq` / `ne` compare a field of the same JSON type (`ne` is "not eq", so a missing field
 *   matches it); `eq null` matches a null or missing field. `gt`, `gte`, `lt`, `lte` take a number
 *   or a string and match fields of that type only (numbers as numbers, strings by code point).
 * - sort: `createdAt` (default, descending), `updatedAt` or `completedAt`, ties by instance id in
 *   the same direction; without `completedAt` an instance sorts last in either direction.
 * - paging: keyset, the cursor names the last item of the previous page and the query it belongs to.
 */

/** Every status an index row can have. */
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['runnable', 'suspended', 'complete', 'terminated', 'failed'];
const SORT_KEYS: readonly SearchSortKey[] = ['createdAt', 'updatedAt', 'completedAt'];
const OPS: readonly FieldFilter['op'][] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
const QUERY_KEYS = new Set([
  'text', 'status', 'definitionId', 'definitionVersion', 'reference', 'createdFrom', 'createdTo', 'completedFrom',
  'completedTo', 'waitingFor', 'failedStep', 'where', 'sort', 'limit', 'cursor',
]);
/** Page size when the query gives none. */
export const DEFAULT_SEARCH_LIMIT = 50;
/** The largest page. */
export const MAX_SEARCH_LIMIT = 1000;

/** The sort value of a missing `completedAt`: after every time ascending, before every time descending (so last in both). */
export function missingCompletedAt(order: 'asc' | 'desc'): number {
  return order === 'asc' ? Number.MAX_SAFE_INTEGER : -1;
}

/** One word of a text query: a whole token, or a prefix of one. */
export interface TextTerm {
  readonly token: string;
  readonly prefix: boolean;
}

/** Where the previous page ended: its last item's sort value and instance id. */
export interface SearchPosition {
  readonly key: number;
  readonly id: string;
}

/** A query that passed `validateSearchQuery`, with defaults filled in. */
export interface ValidSearch {
  readonly query: SearchQuery;
  readonly statuses?: readonly WorkflowStatus[];
  readonly terms: readonly TextTerm[];
  readonly sort: { readonly by: SearchSortKey; readonly order: 'asc' | 'desc' };
  readonly limit: number;
  readonly after?: SearchPosition;
  /** Identifies the query (cursor and limit aside): a cursor is only valid for the query it came from. */
  readonly fingerprint: string;
}

const invalid = (part: string, problem: string): WfeError =>
  new WfeError('INVALID_QUERY', `search query: ${part} ${problem}`, { part });

/** Compare strings by Unicode code point (the order of SQLite's BINARY and PostgreSQL's "C" collation). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The words of a text: NFC, lower case, runs of letters and digits. Documents and queries use the same. */
export function tokenize(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The distinct tokens of a document's text, as the stores index them. */
export function documentTokens(text: string): string[] {
  return [...new Set(tokenize(text))];
}

/** The terms of a text query: each word tokenized; the last token of a word ending in `*` is a prefix. */
export function textTerms(text: string): TextTerm[] {
  const terms: TextTerm[] = [];
  for (const word of text.split(/\s+/)) {
    const tokens = tokenize(word);
    tokens.forEach((token, i) => terms.push({ token, prefix: word.endsWith('*') && i === tokens.length - 1 }));
  }
  return terms;
}

const isScalar = (v: unknown): v is FieldValue =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function checkTime(q: SearchQuery, key: keyof SearchQuery): void {
  const v = q[key];
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) throw invalid(key, `must be a time in ms since the epoch, not ${JSON.stringify(v)}`);
}

function checkString(q: SearchQuery, key: keyof SearchQuery): void {
  const v = q[key];
  if (v !== undefined && typeof v !== 'string') throw invalid(key, `must be a string, not ${JSON.stringify(v)}`);
}

function checkRange(q: SearchQuery, from: 'createdFrom' | 'completedFrom', to: 'createdTo' | 'completedTo'): void {
  const a = q[from];
  const b = q[to];
  if (a !== undefined && b !== undefined && a > b) throw invalid(from, `(${a}) is after ${to} (${b})`);
}

function checkWhere(where: unknown): void {
  if (where === undefined) return;
  if (!Array.isArray(where)) throw invalid('where', 'must be a list of { field, op, value }');
  where.forEach((f: unknown, i) => {
    const part = `where[${i}]`;
    if (typeof f !== 'object' || f === null) throw invalid(part, 'must be { field, op, value }');
    const { field, op, value } = f as Record<string, unknown>;
    if (typeof field !== 'string' || field === '' || /["\\]/.test(field)) throw invalid(`${part}.field`, `must be a non-empty field path without quotes or backslashes, not ${JSON.stringify(field)}`);
    if (!OPS.includes(op as FieldFilter['op'])) throw invalid(`${part}.op`, `must be one of ${OPS.join(', ')}, not ${JSON.stringify(op)}`);
    if (!isScalar(value)) throw invalid(`${part}.value`, `must be a string, a finite number, a boolean or null, not ${JSON.stringify(value) ?? String(value)}`);
    if (op !== 'eq' && op !== 'ne' && typeof value !== 'number' && typeof value !== 'string') {
      throw invalid(`${part}.value`, `of "${String(op)}" must be a number or a string, not ${JSON.stringify(value)}`);
    }
  });
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function fingerprintOf(q: SearchQuery, sort: ValidSearch['sort']): string {
  const { cursor: _c, limit: _l, ...rest } = q;
  return fnv1a(canonicalJson({ ...rest, sort } as never));
}

/** The opaque cursor after `position` for the query of `fingerprint`. */
export function encodeCursor(position: SearchPosition, fingerprint: string): string {
  return Buffer.from(JSON.stringify([1, fingerprint, position.key, position.id]), 'utf8').toString('base64url');
}

/** The position a cursor names; `INVALID_QUERY` for a malformed cursor or one of another query. */
export function decodeCursor(cursor: string, fingerprint: string): SearchPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor', 'is not a cursor returned by search');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 1 || typeof parsed[2] !== 'number' || typeof parsed[3] !== 'string') {
    throw invalid('cursor', 'is not a cursor returned by search');
  }
  if (parsed[1] !== fingerprint) throw invalid('cursor', 'belongs to another query (its filters or sort changed): start again without a cursor');
  return { key: parsed[2] as number, id: parsed[3] as string };
}

/**
 * Check a query and fill in defaults; throws `INVALID_QUERY` naming the bad part (an unknown key or
 * status, a limit outside 1..1000, a bad op or value, a range whose start is after its end, a cursor
 * that is malformed or belongs to another query).
 */
export function validateSearchQuery(q: SearchQuery): ValidSearch {
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw invalid('', 'must be an object');
  for (const key of Object.keys(q)) if (!QUERY_KEYS.has(key)) throw invalid(key, `is not a search criterion (known: ${[...QUERY_KEYS].join(', ')})`);
  let statuses: WorkflowStatus[] | undefined;
  if (q.status !== undefined) {
    statuses = typeof q.status === 'string' ? [q.status] : Array.isArray(q.status) ? [...(q.status as WorkflowStatus[])] : [];
    if (statuses.length === 0) throw invalid('status', `must be a status or a non-empty list of them (${WORKFLOW_STATUSES.join(', ')})`);
    for (const s of statuses) if (!WORKFLOW_STATUSES.includes(s)) throw invalid('status', `has an unknown status ${JSON.stringify(s)} (known: ${WORKFLOW_STATUSES.join(', ')})`);
  }
  for (const key of ['text', 'definitionId', 'reference', 'waitingFor', 'failedStep', 'cursor'] as const) checkString(q, key);
  if (q.definitionVersion !== undefined && !(Number.isSafeInteger(q.definitionVersion) && q.definitionVersion > 0)) {
    throw invalid('definitionVersion', `must be a positive integer, not ${JSON.stringify(q.definitionVersion)}`);
  }
  for (const key of ['createdFrom', 'createdTo', 'completedFrom', 'completedTo'] as const) checkTime(q, key);
  checkRange(q, 'createdFrom', 'createdTo');
  checkRange(q, 'completedFrom', 'completedTo');
  checkWhere(q.where);
  const limit = q.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) throw invalid('limit', `must be an integer from 1 to ${MAX_SEARCH_LIMIT}, not ${JSON.stringify(q.limit)}`);
  const sort = q.sort ?? { by: 'createdAt', order: 'desc' };
  if (typeof sort !== 'object' || sort === null || !SORT_KEYS.includes(sort.by)) throw invalid('sort.by', `must be one of ${SORT_KEYS.join(', ')}, not ${JSON.stringify(sort?.by)}`);
  if (sort.order !== 'asc' && sort.order !== 'desc') throw invalid('sort.order', `must be "asc" or "desc", not ${JSON.stringify(sort.order)}`);
  const normalSort = { by: sort.by, order: sort.order };
  const fingerprint = fingerprintOf(q, normalSort);
  const after = q.cursor !== undefined ? decodeCursor(q.cursor, fingerprint) : undefined;
  return {
    query: q,
    ...(statuses ? { statuses } : {}),
    terms: q.text !== undefined ? textTerms(q.text) : [],
    sort: normalSort,
    limit,
    ...(after ? { after } : {}),
    fingerprint,
  };
}

/** The number a document sorts by (a missing `completedAt` sorts last in either order). */
export function sortValue(doc: InstanceSummary, sort: ValidSearch['sort']): number {
  if (sort.by !== 'completedAt') return doc[sort.by];
  return doc.completedAt ?? missingCompletedAt(sort.order);
}

/** Negative when `a` comes first in the query's order (ties by instance id, same direction). */
export function compareForSort(a: InstanceSummary, b: InstanceSummary, sort: ValidSearch['sort']): number {
  const c = sortValue(a, sort) - sortValue(b, sort) || compareText(a.instanceId, b.instanceId);
  return sort.order === 'asc' ? c : -c;
}

const typeOf = (v: FieldValue | undefined): string => (v === null ? 'null' : typeof v);

/** Whether a document's field value passes one filter. */
export function fieldMatches(value: FieldValue | undefined, f: FieldFilter): boolean {
  const eq = f.value === null ? value === null || value === undefined : typeOf(value) === typeOf(f.value) && value === f.value;
  if (f.op === 'eq') return eq;
  if (f.op === 'ne') return !eq;
  if (typeOf(value) !== typeOf(f.value)) return false;
  const c = typeof value === 'number' ? value - (f.value as number) : compareText(value as string, f.value as string);
  return f.op === 'gt' ? c > 0 : f.op === 'gte' ? c >= 0 : f.op === 'lt' ? c < 0 : c <= 0;
}

function textMatches(text: string, terms: readonly TextTerm[]): boolean {
  if (terms.length === 0) return true;
  const tokens = documentTokens(text);
  return terms.every((t) => (t.prefix ? tokens.some((k) => k.startsWith(t.token)) : tokens.includes(t.token)));
}

/** Whether a document passes every criterion of a valid query (cursor and limit aside). */
export function matchesValid(doc: InstanceSummary, v: ValidSearch): boolean {
  const q = v.query;
  if (v.statuses && !v.statuses.includes(doc.status)) return false;
  if (q.definitionId !== undefined && doc.definitionId !== q.definitionId) return false;
  if (q.definitionVersion !== undefined && doc.definitionVersion !== q.definitionVersion) return false;
  if (q.reference !== undefined && doc.reference !== q.reference) return false;
  if (q.createdFrom !== undefined && doc.createdAt < q.createdFrom) return false;
  if (q.createdTo !== undefined && doc.createdAt >= q.createdTo) return false;
  if (q.completedFrom !== undefined && (doc.completedAt === undefined || doc.completedAt < q.completedFrom)) return false;
  if (q.completedTo !== undefined && (doc.completedAt === undefined || doc.completedAt >= q.completedTo)) return false;
  if (q.waitingFor !== undefined && !doc.waiting.some((w) => w.eventName === q.waitingFor)) return false;
  if (q.failedStep !== undefined && !doc.failedSteps.includes(q.failedStep)) return false;
  for (const f of q.where ?? []) if (!fieldMatches(doc.fields[f.field], f)) return false;
  return textMatches(doc.text, v.terms);
}

/** Whether a document passes every criterion of `q` (cursor and limit aside); throws `INVALID_QUERY` for a bad query. */
export function matchesSearch(doc: InstanceSummary, q: SearchQuery): boolean {
  return matchesValid(doc, validateSearchQuery(q));
}

/** Whether a document comes after the cursor's position in the query's order. */
export function isAfter(doc: InstanceSummary, v: ValidSearch): boolean {
  if (!v.after) return true;
  const c = sortValue(doc, v.sort) - v.after.key || compareText(doc.instanceId, v.after.id);
  return v.sort.order === 'asc' ? c > 0 : c < 0;
}

/** The page of `docs` a query returns: the reference every index is tested against. */
export function searchDocuments(docs: Iterable<InstanceSummary>, q: SearchQuery | ValidSearch): SearchPage {
  const v = 'fingerprint' in q && 'terms' in q ? (q as ValidSearch) : validateSearchQuery(q as SearchQuery);
  const found: InstanceSummary[] = [];
  for (const d of docs) if (matchesValid(d, v) && isAfter(d, v)) found.push(d);
  found.sort((a, b) => compareForSort(a, b, v.sort));
  return pageOf(found, v);
}

/** The first `limit` of `sorted` (the items after the cursor, in order; one more tells that more follow), with the next cursor. */
export function pageOf(sorted: readonly InstanceSummary[], v: ValidSearch): SearchPage {
  const items = sorted.slice(0, v.limit);
  if (sorted.length <= v.limit) return { items };
  const last = items[items.length - 1]!;
  return { items, nextCursor: encodeCursor({ key: sortValue(last, v.sort), id: last.instanceId }, v.fingerprint) };
}
