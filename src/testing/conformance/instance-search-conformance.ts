import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceIndex, InstanceSummary, SearchQuery } from '../../ports/instance-index.js';
import { searchDocuments } from '../../projections/search-query.js';
import { summary } from './fixtures.js';
import { type PortFactory, T0, usePort } from './harness.js';

const STATUSES: WorkflowStatus[] = ['runnable', 'suspended', 'complete', 'terminated', 'failed'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'Überweisung', 'order-7', 'ACME', 'alphabet'];

/** 40 varied documents, the same every run (no randomness): ties in every sort key included. */
function corpus(): InstanceSummary[] {
  return Array.from({ length: 40 }, (_, i) => {
    const status = STATUSES[i % 5]!;
    const done = status === 'complete' || status === 'terminated' || status === 'failed';
    const fields: Record<string, string | number | boolean | null> = { total: (i * 7) % 13, tier: ['gold', 'silver', 'Gold', 'bronze'][i % 4]! };
    if (i % 3 === 0) fields['customer.vip'] = i % 2 === 0;
    if (i % 4 === 1) fields.note = null;
    if (i % 5 === 2) fields.total = String(i); // a string where others have numbers
    return summary(`inst-${String(i).padStart(2, '0')}`, status, T0 + Math.floor(i / 3) * 1000, {
      definitionId: i % 2 === 0 ? 'order' : 'invoice',
      definitionVersion: 1 + (i % 3),
      ...(i % 6 === 0 ? { reference: `ref-${i % 12}` } : {}),
      updatedAt: T0 + 100_000 - (i % 7) * 1000,
      ...(done ? { completedAt: T0 + 50_000 + (i % 4) * 1000 } : {}),
      waiting: i % 4 === 0 ? [{ step: 'approve', eventName: i % 8 === 0 ? 'approved' : 'paid', eventKey: `k${i}` }] : [],
      sleeping: i % 5 === 1 ? ['pause'] : [],
      failedSteps: status === 'failed' ? (i % 2 === 0 ? ['charge'] : ['charge', 'ship']) : [],
      fields,
      text: `${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]} step${i % 4}`,
    });
  });
}

/** Every page of a query, following cursors. */
async function allPages(index: SearchableIndex, q: SearchQuery): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await index.search(cursor === undefined ? q : { ...q, cursor });
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(q.limit ?? 50);
    ids.push(...page.items.map((s) => s.instanceId));
    cursor = page.nextCursor;
    if (pages > 100) throw new Error('search never ended');
  } while (cursor !== undefined);
  return { ids, pages };
}

const reference = (docs: InstanceSummary[], q: SearchQuery): string[] => searchDocuments(docs, { ...q, limit: 1000 }).items.map((s) => s.instanceId);

/** Queries every index must answer exactly as `searchDocuments` does. */
const QUERIES: SearchQuery[] = [
  {},
  { status: 'failed' },
  { status: ['complete', 'terminated'] },
  { definitionId: 'order' },
  { definitionId: 'invoice', definitionVersion: 2 },
  { definitionVersion: 3 },
  { reference: 'ref-6' },
  { createdFrom: T0 + 3000, createdTo: T0 + 7000 },
  { createdFrom: T0 + 5000, createdTo: T0 + 5000 },
  { completedFrom: T0 + 51_000 },
  { completedTo: T0 + 52_000 },
  { waitingFor: 'approved' },
  { waitingFor: 'paid', status: 'runnable' },
  { failedStep: 'ship' },
  { failedStep: 'charge', sort: { by: 'completedAt', order: 'asc' } },
  { text: 'alpha' },
  { text: 'ALPHA gamma' },
  { text: 'alph*' },
  { text: 'überweisung' },
  { text: 'order-7' },
  { text: '7 order' },
  { text: 'step1 acme' },
  { text: 'nothing-like-this' },
  { where: [{ field: 'total', op: 'gt', value: 6 }] },
  { where: [{ field: 'total', op: 'lte', value: 3 }, { field: 'tier', op: 'eq', value: 'gold' }] },
  { where: [{ field: 'total', op: 'gte', value: '2' }] },
  { where: [{ field: 'total', op: 'eq', value: '12' }] },
  { where: [{ field: 'tier', op: 'ne', value: 'gold' }] },
  { where: [{ field: 'tier', op: 'lt', value: 'gold' }] },
  { where: [{ field: 'customer.vip', op: 'eq', value: true }] },
  { where: [{ field: 'customer.vip', op: 'ne', value: false }] },
  { where: [{ field: 'note', op: 'eq', value: null }] },
  { where: [{ field: 'note', op: 'ne', value: null }] },
  { where: [{ field: 'missing', op: 'ne', value: 1 }] },
  { sort: { by: 'createdAt', order: 'asc' } },
  { sort: { by: 'updatedAt', order: 'desc' } },
  { sort: { by: 'updatedAt', order: 'asc' }, status: ['runnable', 'failed'] },
  { sort: { by: 'completedAt', order: 'desc' } },
  { sort: { by: 'completedAt', order: 'asc' } },
  { text: 'alpha*', status: ['runnable', 'complete', 'failed'], definitionId: 'order', sort: { by: 'updatedAt', order: 'asc' } },
];

/** What the search suite needs of an index: writing rows and searching them (an external search index such as OpenSearch has no more). */
export type SearchableIndex = Pick<InstanceIndex, 'upsert' | 'search'>;

/**
 * `InstanceIndex.search`: the same answers as the pure reference `searchDocuments`
 * (src/projections/search-query.ts) for every criterion, sort and page size, and the same
 * `INVALID_QUERY` errors.
 */
export function instanceSearchConformance(name: string, factory: PortFactory<SearchableIndex>): void {
  describe(`${name}: InstanceIndex search conformance`, () => {
    const h = usePort(factory);
    const docs = corpus();
    const seed = () => h.port.upsert(docs);
    const ids = (items: readonly InstanceSummary[]) => items.map((s) => s.instanceId);

    it('returns the newest created first by default, 50 at most, ties by instance id (descending)', async () => {
      await seed();
      const page = await h.port.search({});
      expect(page.items).toHaveLength(40);
      expect(page.nextCursor).toBeUndefined();
      expect(ids(page.items).slice(0, 4)).toEqual(['inst-39', 'inst-38', 'inst-37', 'inst-36']);
      expect(page.items[0]).toEqual(docs[39]);
    });

    it('matches whole words in any case, a trailing * as a prefix, every word required', async () => {
      await h.port.upsert([
        summary('w1', 'runnable', T0, { text: 'Order ORDER-7 for ACME Corp, Überweisung' }),
        summary('w2', 'runnable', T0 + 1, { text: 'ordering acmeish 7' }),
        summary('w3', 'runnable', T0 + 2, { text: '' }),
      ]);
      const found = async (text: string) => ids((await h.port.search({ text, sort: { by: 'createdAt', order: 'asc' } })).items);
      expect(await found('acme')).toEqual(['w1']);
      expect(await found('Acme*')).toEqual(['w1', 'w2']);
      expect(await found('order')).toEqual(['w1']);
      expect(await found('order*')).toEqual(['w1', 'w2']);
      expect(await found('7 order')).toEqual(['w1']);
      expect(await found('corp überweisung')).toEqual(['w1']);
      expect(await found('ÜBERWEISUNG')).toEqual(['w1']);
      expect(await found('acme ordering')).toEqual([]);
      expect(await found('orde')).toEqual([]);
      expect(await found('   ')).toEqual(['w1', 'w2', 'w3']);
    });

    it('filters on status, definition, reference, dates, waits, failed steps and data fields', async () => {
      await seed();
      const found = async (q: SearchQuery) => ids((await h.port.search({ ...q, sort: { by: 'createdAt', order: 'asc' }, limit: 1000 })).items);
      expect(await found({ status: 'failed' })).toEqual(['inst-04', 'inst-09', 'inst-14', 'inst-19', 'inst-24', 'inst-29', 'inst-34', 'inst-39']);
      expect(await found({ definitionId: 'invoice', definitionVersion: 2, status: 'runnable' })).toEqual(['inst-25']);
      expect(await found({ reference: 'ref-6' })).toEqual(['inst-06', 'inst-18', 'inst-30']);
      expect(await found({ createdFrom: T0 + 3000, createdTo: T0 + 4000 })).toEqual(['inst-09', 'inst-10', 'inst-11']);
      expect(await found({ completedFrom: T0 + 53_000, status: 'complete' })).toEqual(['inst-07', 'inst-27']);
      expect(await found({ waitingFor: 'approved' })).toEqual(['inst-00', 'inst-08', 'inst-16', 'inst-24', 'inst-32']);
      expect(await found({ failedStep: 'ship' })).toEqual(['inst-09', 'inst-19', 'inst-29', 'inst-39']);
      expect(await found({ where: [{ field: 'total', op: 'eq', value: 12 }] })).toEqual(['inst-11', 'inst-24']);
      expect(await found({ where: [{ field: 'total', op: 'eq', value: '12' }] })).toEqual(['inst-12']);
      expect(await found({ where: [{ field: 'customer.vip', op: 'eq', value: true }], status: 'runnable' })).toEqual(['inst-00', 'inst-30']);
    });

    it('compares numbers as numbers and strings by code point, each only with its own type', async () => {
      await h.port.upsert([
        summary('n1', 'runnable', T0, { fields: { v: 9 } }),
        summary('n2', 'runnable', T0 + 1, { fields: { v: 10 } }),
        summary('n3', 'runnable', T0 + 2, { fields: { v: 2.5 } }),
        summary('s1', 'runnable', T0 + 3, { fields: { v: '9' } }),
        summary('s2', 'runnable', T0 + 4, { fields: { v: '10' } }),
        summary('s3', 'runnable', T0 + 5, { fields: { v: 'Z' } }),
        summary('s4', 'runnable', T0 + 6, { fields: { v: 'a' } }),
        summary('b1', 'runnable', T0 + 7, { fields: { v: true } }),
        summary('x1', 'runnable', T0 + 8, { fields: { v: null } }),
        summary('x2', 'runnable', T0 + 9, { fields: {} }),
      ]);
      const found = async (op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', value: string | number | boolean | null) =>
        ids((await h.port.search({ where: [{ field: 'v', op, value }], sort: { by: 'createdAt', order: 'asc' } })).items);
      expect(await found('gt', 9)).toEqual(['n2']);
      expect(await found('gte', 9)).toEqual(['n1', 'n2']);
      expect(await found('lt', 9.5)).toEqual(['n1', 'n3']);
      expect(await found('lte', 2.5)).toEqual(['n3']);
      expect(await found('gt', '9')).toEqual(['s3', 's4']);
      expect(await found('lt', '9')).toEqual(['s2']);
      expect(await found('gte', 'Z')).toEqual(['s3', 's4']);
      expect(await found('eq', 9)).toEqual(['n1']);
      expect(await found('eq', '9')).toEqual(['s1']);
      expect(await found('eq', true)).toEqual(['b1']);
      expect(await found('eq', null)).toEqual(['x1', 'x2']);
      expect(await found('ne', null)).toEqual(['n1', 'n2', 'n3', 's1', 's2', 's3', 's4', 'b1']);
      expect(await found('ne', 9)).toEqual(['n2', 'n3', 's1', 's2', 's3', 's4', 'b1', 'x1', 'x2']);
    });

    it('sorts by each key both ways, ties by instance id in the same direction, a missing completion last', async () => {
      await h.port.upsert([
        summary('a', 'complete', T0 + 2, { updatedAt: T0 + 5, completedAt: T0 + 5 }),
        summary('b', 'runnable', T0 + 1, { updatedAt: T0 + 9 }),
        summary('c', 'failed', T0 + 2, { updatedAt: T0 + 5, completedAt: T0 + 4 }),
        summary('d', 'runnable', T0 + 3, { updatedAt: T0 + 1 }),
      ]);
      const order = async (by: 'createdAt' | 'updatedAt' | 'completedAt', o: 'asc' | 'desc') => ids((await h.port.search({ sort: { by, order: o } })).items);
      expect(await order('createdAt', 'asc')).toEqual(['b', 'a', 'c', 'd']);
      expect(await order('createdAt', 'desc')).toEqual(['d', 'c', 'a', 'b']);
      expect(await order('updatedAt', 'asc')).toEqual(['d', 'a', 'c', 'b']);
      expect(await order('updatedAt', 'desc')).toEqual(['b', 'c', 'a', 'd']);
      expect(await order('completedAt', 'asc')).toEqual(['c', 'a', 'b', 'd']);
      expect(await order('completedAt', 'desc')).toEqual(['a', 'c', 'd', 'b']);
    });

    it('pages with an opaque cursor over many pages without gaps or duplicates', async () => {
      await seed();
      for (const sort of [undefined, { by: 'completedAt', order: 'asc' }, { by: 'updatedAt', order: 'desc' }] as const) {
        const q: SearchQuery = sort ? { sort, limit: 6 } : { limit: 6 };
        const { ids: paged, pages } = await allPages(h.port, q);
        expect(pages).toBe(7);
        expect(paged).toEqual(reference(docs, q));
      }
      const first = await h.port.search({ status: 'runnable', limit: 5 });
      expect(first.items).toHaveLength(5);
      expect(typeof first.nextCursor).toBe('string');
      const second = await h.port.search({ status: 'runnable', limit: 5, cursor: first.nextCursor! });
      expect(second.items).toHaveLength(3);
      expect(ids(second.items)).toEqual(reference(docs, { status: 'runnable' }).slice(5));
      expect(second.nextCursor).toBeUndefined();
      // A cursor survives changes between pages: a row added before the cursor does not shift the next page.
      await h.port.upsert([summary('inst-zz', 'runnable', T0 + 999_999)]);
      const again = await h.port.search({ status: 'runnable', limit: 5, cursor: first.nextCursor! });
      expect(ids(again.items)).toEqual(ids(second.items));
    });

    it('answers every query as the reference does, page by page', async () => {
      await seed();
      for (const q of QUERIES) {
        const expected = reference(docs, q);
        const { ids: got } = await allPages(h.port, { ...q, limit: 7 });
        expect({ q, got }).toEqual({ q, got: expected });
      }
    });

    it('refuses malformed queries with INVALID_QUERY naming the bad part', async () => {
      await seed();
      const cursor = (await h.port.search({ limit: 2 })).nextCursor!;
      const bad: [unknown, string][] = [
        [{ status: 'done' }, 'status'],
        [{ status: [] }, 'status'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 1001 }, 'limit'],
        [{ limit: 2.5 }, 'limit'],
        [{ where: [{ field: 'total', op: 'like', value: 1 }] }, 'where[0].op'],
        [{ where: [{ field: 'total', op: 'eq', value: { a: 1 } }] }, 'where[0].value'],
        [{ where: [{ field: 'total', op: 'gt', value: true }] }, 'where[0].value'],
        [{ where: [{ field: '', op: 'eq', value: 1 }] }, 'where[0].field'],
        [{ where: { field: 'total' } }, 'where'],
        [{ createdFrom: T0 + 10, createdTo: T0 }, 'createdFrom'],
        [{ completedFrom: T0 + 10, completedTo: T0 }, 'completedFrom'],
        [{ createdFrom: 'yesterday' }, 'createdFrom'],
        [{ sort: { by: 'name', order: 'asc' } }, 'sort.by'],
        [{ sort: { by: 'createdAt', order: 'up' } }, 'sort.order'],
        [{ cursor: 'garbage!' }, 'cursor'],
        [{ cursor, status: 'failed' }, 'cursor'],
        [{ cursor, sort: { by: 'createdAt', order: 'asc' } }, 'cursor'],
        [{ text: 42 }, 'text'],
        [{ definitionVersion: 0 }, 'definitionVersion'],
        [{ statuses: ['failed'] }, 'statuses'],
      ];
      for (const [q, part] of bad) {
        const err = await h.port.search(q as SearchQuery).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect({ q, code: isWfeError(err, 'INVALID_QUERY') }).toEqual({ q, code: true });
        expect((err as Error).message).toContain(part);
      }
      // The same cursor with another page size is the same query.
      expect((await h.port.search({ limit: 5, cursor })).items).toHaveLength(5);
    });
  });
}
