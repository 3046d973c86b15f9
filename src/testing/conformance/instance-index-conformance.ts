import { describe, expect, it } from 'vitest';
import type { InstanceIndex, InstanceSummary } from '../../ports/instance-index.js';
import { summary } from './fixtures.js';
import { type PortFactory, T0, usePort } from './harness.js';
import { instanceSearchConformance } from './instance-search-conformance.js';

/**
 * The InstanceIndex contract. `query` returns instances by creation time, oldest first (ties by
 * instance id), then applies `offset` and `limit`. `before` compares `completedAt` when set, else
 * `createdAt`, strictly.
 */
export function instanceIndexConformance(name: string, factory: PortFactory<InstanceIndex>): void {
  describe(`${name}: InstanceIndex conformance`, () => {
    const h = usePort(factory);
    const ids = (list: InstanceSummary[]) => list.map((s) => s.instanceId);

    const seed = async () => {
      await h.port.upsert([
        summary('a', 'runnable', T0 + 1, { reference: 'ref-a' }),
        summary('b', 'complete', T0 + 2, { completedAt: T0 + 50 }),
        summary('c', 'failed', T0 + 3, { completedAt: T0 + 10, definitionId: 'invoice', definitionVersion: 2 }),
        summary('d', 'suspended', T0 + 4, { reference: 'shared' }),
        summary('e', 'runnable', T0 + 5, { reference: 'shared', definitionId: 'invoice' }),
        summary('f', 'terminated', T0 + 6, { completedAt: T0 + 7 }),
      ]);
    };

    it('stores and gets a summary, optional members included', async () => {
      const full = summary('x', 'complete', T0, {
        reference: 'r',
        completedAt: T0 + 9,
        definitionVersion: 4,
        version: 12,
        definitionHash: 'f'.repeat(64),
        parentInstanceId: 'parent-1',
        updatedAt: T0 + 9,
        nextDueAt: T0 + 100,
        waiting: [{ step: 'approve', eventName: 'approved', eventKey: 'order-7' }],
        sleeping: ['pause'],
        failedSteps: ['charge', 'ship'],
        error: 'charge failed: card declined',
        fields: { 'customer.tier': 'gold', total: 12.5, paid: true, note: null },
        text: 'Order r for ACME',
      });
      await h.port.upsert([full, summary('y', 'runnable', T0)]);
      expect(await h.port.get('x')).toEqual(full);
      const y = await h.port.get('y');
      expect(y).toEqual(summary('y', 'runnable', T0));
      expect(y?.reference).toBeUndefined();
      expect(y?.completedAt).toBeUndefined();
      expect(await h.port.get('missing')).toBeUndefined();
    });

    it('replaces a summary on upsert with a newer or equal version, never with an older one', async () => {
      await h.port.upsert([summary('x', 'runnable', T0, { reference: 'r', text: 'first' })]);
      await h.port.upsert([summary('x', 'complete', T0, { completedAt: T0 + 1, version: 9, text: 'second' })]);
      expect(await h.port.get('x')).toEqual(summary('x', 'complete', T0, { completedAt: T0 + 1, version: 9, text: 'second' }));
      await h.port.upsert([summary('x', 'runnable', T0, { version: 4, text: 'stale' })]);
      expect((await h.port.get('x'))?.version).toBe(9);
      expect((await h.port.search({ text: 'stale' })).items).toEqual([]);
      expect((await h.port.search({ text: 'second' })).items).toHaveLength(1);
      await h.port.upsert([summary('x', 'complete', T0, { completedAt: T0 + 2, version: 9, text: 'again' })]);
      expect((await h.port.get('x'))?.completedAt).toBe(T0 + 2);
      expect((await h.port.search({ text: 'second' })).items).toEqual([]);
      expect(await h.port.query({})).toHaveLength(1);
    });

    it('keeps the highest version of one instance given twice in one upsert', async () => {
      await h.port.upsert([summary('x', 'complete', T0, { version: 7 }), summary('x', 'runnable', T0, { version: 5 })]);
      expect((await h.port.get('x'))?.version).toBe(7);
    });

    it('lists rows in instance id order, page by page', async () => {
      await h.port.upsert(['m', 'B', 'a', 'z', 'a-1', 'b'].map((id) => summary(id, 'runnable', T0)));
      expect(ids(await h.port.list(undefined, 10))).toEqual(['B', 'a', 'a-1', 'b', 'm', 'z']);
      expect(ids(await h.port.list(undefined, 2))).toEqual(['B', 'a']);
      expect(ids(await h.port.list('a', 2))).toEqual(['a-1', 'b']);
      expect(ids(await h.port.list('z', 2))).toEqual([]);
    });

    it('counts instances by definition and status', async () => {
      expect(await h.port.countByStatus()).toEqual([]);
      await seed();
      const counts = [...(await h.port.countByStatus())].sort(
        (a, b) => (a.definitionId + a.status < b.definitionId + b.status ? -1 : 1),
      );
      expect(counts).toEqual([
        { definitionId: 'invoice', status: 'failed', count: 1 },
        { definitionId: 'invoice', status: 'runnable', count: 1 },
        { definitionId: 'order', status: 'complete', count: 1 },
        { definitionId: 'order', status: 'runnable', count: 1 },
        { definitionId: 'order', status: 'suspended', count: 1 },
        { definitionId: 'order', status: 'terminated', count: 1 },
      ]);
      await h.port.upsert([summary('g', 'runnable', T0)]);
      expect((await h.port.countByStatus()).find((c) => c.definitionId === 'order' && c.status === 'runnable')?.count).toBe(2);
    });

    it('lists everything oldest first without filters', async () => {
      await seed();
      expect(ids(await h.port.query({}))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    });

    it('filters by one status or several', async () => {
      await seed();
      expect(ids(await h.port.query({ status: 'runnable' }))).toEqual(['a', 'e']);
      expect(ids(await h.port.query({ status: ['complete', 'failed', 'terminated'] }))).toEqual(['b', 'c', 'f']);
      expect(await h.port.query({ status: [] })).toEqual([]);
    });

    it('filters by definition and by reference', async () => {
      await seed();
      expect(ids(await h.port.query({ definitionId: 'invoice' }))).toEqual(['c', 'e']);
      expect(ids(await h.port.query({ reference: 'shared' }))).toEqual(['d', 'e']);
      expect(ids(await h.port.query({ reference: 'shared', definitionId: 'invoice', status: 'runnable' }))).toEqual(['e']);
      expect(await h.port.query({ reference: 'none' })).toEqual([]);
    });

    it('filters by "before": completion time when complete, else creation time', async () => {
      await seed();
      expect(ids(await h.port.query({ before: T0 + 8 }))).toEqual(['a', 'd', 'e', 'f']);
      expect(ids(await h.port.query({ before: T0 + 10 }))).toEqual(['a', 'd', 'e', 'f']);
      expect(ids(await h.port.query({ before: T0 + 11, status: ['failed', 'complete'] }))).toEqual(['c']);
      expect(ids(await h.port.query({ before: T0 + 1 }))).toEqual([]);
    });

    it('pages with limit and offset', async () => {
      await seed();
      expect(ids(await h.port.query({ limit: 2 }))).toEqual(['a', 'b']);
      expect(ids(await h.port.query({ limit: 2, offset: 2 }))).toEqual(['c', 'd']);
      expect(ids(await h.port.query({ offset: 4 }))).toEqual(['e', 'f']);
      expect(ids(await h.port.query({ status: 'runnable', limit: 1, offset: 1 }))).toEqual(['e']);
      expect(await h.port.query({ offset: 10 })).toEqual([]);
    });

    it('orders ties in creation time by instance id', async () => {
      await h.port.upsert([summary('m', 'runnable', T0), summary('k', 'runnable', T0), summary('l', 'runnable', T0 - 1)]);
      expect(ids(await h.port.query({}))).toEqual(['l', 'k', 'm']);
    });

    it('removes summaries', async () => {
      await seed();
      await h.port.remove(['a', 'c', 'missing']);
      await h.port.remove([]);
      expect(await h.port.get('a')).toBeUndefined();
      expect(ids(await h.port.query({}))).toEqual(['b', 'd', 'e', 'f']);
    });
  });
  instanceSearchConformance(name, factory);
}
