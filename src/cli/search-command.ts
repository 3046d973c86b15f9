import Table from 'cli-table3';
import { WfeError } from '../domain/errors.js';
import type { WorkflowStatus } from '../domain/state.js';
import type { FieldFilter, FieldValue, SearchQuery } from '../ports/instance-index.js';
import { validateSearchQuery } from '../projections/search-query.js';
import { CliError, EXIT } from './cli-error.js';
import { DEFAULT_DB, openExistingStore } from './open-store.js';
import { PLAIN, styleFor } from './progress/format.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe search`. */
export interface SearchOptions {
  readonly db?: string;
  readonly status?: string;
  readonly definition?: string;
  readonly since?: string;
  readonly until?: string;
  readonly where?: readonly string[];
  readonly waiting?: string;
  readonly failedStep?: string;
  readonly limit?: string;
  readonly cursor?: string;
  readonly json?: boolean;
}

const STATUSES: readonly WorkflowStatus[] = ['runnable', 'suspended', 'complete', 'terminated', 'failed'];

/** A date option: an ISO date/time, or a duration back from now (`2h`, `7d`, `30m`). */
export function parseTime(text: string, option: string, now = Date.now()): number {
  const ago = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (ago) return now - Number(ago[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new CliError(`${option} ${JSON.stringify(text)}: expected an ISO date (2026-11-29, 2026-11-29T10:00Z) or a time back from now (30m, 2h, 7d)`);
  return t;
}

/** `path=value`, `path>=value`, `path<value`, `path!=value`...: a filter on an indexed data field. */
export function parseWhere(text: string): FieldFilter {
  const m = /^([^=!<>]+?)\s*(=|!=|>=|<=|>|<)\s*(.*)$/.exec(text);
  if (!m || !m[1]!.trim()) throw new CliError(`--where ${JSON.stringify(text)}: expected PATH=VALUE (also !=, >, >=, <, <=), e.g. customer.tier=gold or total>=100`);
  const op = ({ '=': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const)[m[2] as '=' | '!=' | '>' | '>=' | '<' | '<='];
  return { field: m[1]!.trim(), op, value: scalarOf(m[3]!) };
}

function scalarOf(raw: string): FieldValue {
  const t = raw.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return t.replace(/^"(.*)"$/, '$1');
}

/** The search query the options describe (validated: a bad part is a usage error naming it). */
export function searchQueryFrom(text: string | undefined, o: SearchOptions, now = Date.now()): SearchQuery {
  const statuses = o.status?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of statuses ?? []) if (!STATUSES.includes(s as WorkflowStatus)) throw new CliError(`--status ${s}: expected one of ${STATUSES.join(', ')}`);
  const [definitionId, version] = (o.definition ?? '').split('@');
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  const q: SearchQuery = {
    ...(text ? { text } : {}),
    ...(statuses?.length ? { status: statuses as WorkflowStatus[] } : {}),
    ...(definitionId ? { definitionId } : {}),
    ...(version ? { definitionVersion: Number(version) } : {}),
    ...(o.since ? { createdFrom: parseTime(o.since, '--since', now) } : {}),
    ...(o.until ? { createdTo: parseTime(o.until, '--until', now) } : {}),
    ...(o.waiting ? { waitingFor: o.waiting } : {}),
    ...(o.failedStep ? { failedStep: o.failedStep } : {}),
    ...(o.where?.length ? { where: o.where.map(parseWhere) } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(o.cursor ? { cursor: o.cursor } : {}),
  };
  try {
    validateSearchQuery(q);
    return q;
  } catch (e) {
    if (e instanceof WfeError) throw new CliError(e.message);
    throw e;
  }
}

/** `wfe search [TEXT] [filters]`: instances from the index, newest first, as a table or JSON. */
export async function searchCommand(text: string | undefined, options: SearchOptions, out: TextOut): Promise<number> {
  const query = searchQueryFrom(text, options);
  const db = options.db ?? DEFAULT_DB;
  const store = await openExistingStore(db);
  try {
    const page = await store.instances.search(query);
    if (options.json) {
      out.write(`${JSON.stringify({ items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, null, 2)}\n`);
      return EXIT.ok;
    }
    const style = styleFor(out);
    const table = new Table({ head: ['id', 'definition', 'status', 'created', 'detail'], style: { compact: true, head: style === PLAIN ? [] : ['cyan'], border: [] } });
    for (const s of page.items) {
      const detail = s.error ?? (s.waiting.length ? `waiting for ${s.waiting.map((w) => `${w.eventName}/${w.eventKey}`).join(', ')}` : s.failedSteps.length ? `failed: ${s.failedSteps.join(', ')}` : (s.reference ?? ''));
      table.push([s.instanceId, `${s.definitionId}@${s.definitionVersion}`, s.status, new Date(s.createdAt).toISOString(), detail.slice(0, 80)]);
    }
    out.write(`${table.toString()}\n${page.items.length} instance(s)${page.nextCursor ? `; more with --cursor ${page.nextCursor}` : ''}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
