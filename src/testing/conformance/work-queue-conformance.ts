import { describe, expect, it } from 'vitest';
import type { WorkQueue } from '../../ports/work-queue.js';
import { type PortFactory, T0, usePort } from './harness.js';

/**
 * The WorkQueue contract. Times are passed explicitly (`claim(now)`); the queue may also be given
 * `ctx.clock`. A lease runs out at `now + leaseMs` exactly: at that instant the entry is claimable.
 * `nextDueAt` counts a claimed entry as due when its lease runs out (that is when it can come back).
 * `claim` hands out the earliest due entries first.
 */
export function workQueueConformance(name: string, factory: PortFactory<WorkQueue>): void {
  describe(`${name}: WorkQueue conformance`, () => {
    const h = usePort(factory);
    const q = () => h.port;

    it('is empty at first', async () => {
      expect(await q().claim('w', T0, 10, 1000)).toEqual([]);
      expect(await q().nextDueAt()).toBeUndefined();
    });

    it('hands out only entries that are due, earliest first, up to the limit', async () => {
      await q().enqueue([
        { instanceId: 'late', dueAt: T0 + 1000 },
        { instanceId: 'b', dueAt: T0 - 5 },
        { instanceId: 'a', dueAt: T0 - 10 },
        { instanceId: 'c', dueAt: T0 },
      ]);
      expect(await q().nextDueAt()).toBe(T0 - 10);
      expect(await q().claim('w', T0, 2, 5000)).toEqual(['a', 'b']);
      expect(await q().claim('w', T0, 10, 5000)).toEqual(['c']);
      expect(await q().claim('w', T0 + 999, 10, 5000)).toEqual([]);
      expect(await q().claim('w', T0 + 1000, 10, 5000)).toEqual(['late']);
    });

    it('keeps one entry per instance, the earliest due time winning', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 + 500 }]);
      await q().enqueue([{ instanceId: 'i', dueAt: T0 + 100 }]);
      await q().enqueue([{ instanceId: 'i', dueAt: T0 + 900 }, { instanceId: 'i', dueAt: T0 + 300 }]);
      expect(await q().nextDueAt()).toBe(T0 + 100);
      expect(await q().claim('w', T0 + 99, 10, 1000)).toEqual([]);
      expect(await q().claim('w', T0 + 100, 10, 1000)).toEqual(['i']);
      expect(await q().claim('w2', T0 + 900, 10, 1000)).toEqual([]);
    });

    it('leases a claim: not handed out again until the lease runs out, then it comes back', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      expect(await q().claim('w1', T0, 10, 1000)).toEqual(['i']);
      expect(await q().claim('w2', T0 + 1, 10, 1000)).toEqual([]);
      expect(await q().claim('w1', T0 + 999, 10, 1000)).toEqual([]);
      expect(await q().nextDueAt()).toBe(T0 + 1000);
      expect(await q().claim('w2', T0 + 1000, 10, 1000)).toEqual(['i']);
      expect(await q().claim('w1', T0 + 1500, 10, 1000)).toEqual([]);
    });

    it('drops the entry when a claim is released without a next due time', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w', T0, 10, 1000);
      await q().release('w', [{ instanceId: 'i' }]);
      expect(await q().nextDueAt()).toBeUndefined();
      expect(await q().claim('w', T0 + 5000, 10, 1000)).toEqual([]);
    });

    it('keeps the entry due at nextDueAt when released with one', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w', T0, 10, 1000);
      await q().release('w', [{ instanceId: 'i', nextDueAt: T0 + 60_000 }]);
      expect(await q().nextDueAt()).toBe(T0 + 60_000);
      expect(await q().claim('w', T0 + 59_999, 10, 1000)).toEqual([]);
      expect(await q().claim('w2', T0 + 60_000, 10, 1000)).toEqual(['i']);
    });

    it('makes a released entry claimable at once when its next due time has passed', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w', T0, 10, 1000);
      await q().release('w', [{ instanceId: 'i', nextDueAt: T0 }]);
      expect(await q().claim('w2', T0 + 1, 10, 1000)).toEqual(['i']);
    });

    it('keeps an enqueue that arrived during a claim, without handing the entry out twice', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w', T0, 10, 1000);
      await q().enqueue([{ instanceId: 'i', dueAt: T0 + 10 }]);
      expect(await q().claim('w2', T0 + 20, 10, 1000)).toEqual([]);
      await q().release('w', [{ instanceId: 'i' }]);
      expect(await q().nextDueAt()).toBe(T0 + 10);
      expect(await q().claim('w2', T0 + 20, 10, 1000)).toEqual(['i']);
    });

    it('keeps the earliest of several enqueues during a claim', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w', T0, 10, 1000);
      await q().enqueue([{ instanceId: 'i', dueAt: T0 + 50 }]);
      await q().enqueue([{ instanceId: 'i', dueAt: T0 + 500 }]);
      await q().release('w', [{ instanceId: 'i' }]);
      expect(await q().nextDueAt()).toBe(T0 + 50);
    });

    it('merges an enqueue during a claim with the release due time, earliest winning', async () => {
      await q().enqueue([{ instanceId: 'a', dueAt: T0 }, { instanceId: 'b', dueAt: T0 }]);
      expect((await q().claim('w', T0, 10, 1000)).sort()).toEqual(['a', 'b']);
      await q().enqueue([{ instanceId: 'a', dueAt: T0 + 50 }, { instanceId: 'b', dueAt: T0 + 500 }]);
      await q().release('w', [{ instanceId: 'a', nextDueAt: T0 + 300 }]);
      await q().release('w', [{ instanceId: 'b', nextDueAt: T0 + 300 }]);
      expect(await q().claim('x', T0 + 299, 10, 1000)).toEqual(['a']);
      expect(await q().claim('x', T0 + 300, 10, 1000)).toEqual(['b']);
    });

    it('ignores a release by an owner whose lease another owner has taken over', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w1', T0, 10, 100);
      expect(await q().claim('w2', T0 + 100, 10, 1000)).toEqual(['i']);
      await q().release('w1', [{ instanceId: 'i' }]);
      expect(await q().claim('w3', T0 + 200, 10, 1000)).toEqual([]);
      expect(await q().nextDueAt()).toBe(T0 + 1100);
      await q().release('w2', [{ instanceId: 'i', nextDueAt: T0 + 2000 }]);
      expect(await q().nextDueAt()).toBe(T0 + 2000);
    });

    it('lets the first owner release after its lease ran out if nobody took it over', async () => {
      await q().enqueue([{ instanceId: 'i', dueAt: T0 }]);
      await q().claim('w1', T0, 10, 100);
      await q().release('w1', [{ instanceId: 'i' }]);
      expect(await q().claim('w2', T0 + 500, 10, 1000)).toEqual([]);
    });

    it('releases many claims at once, each on its own terms', async () => {
      await q().enqueue([
        { instanceId: 'a', dueAt: T0 },
        { instanceId: 'b', dueAt: T0 },
        { instanceId: 'c', dueAt: T0 },
        { instanceId: 'mine-not', dueAt: T0 + 5 },
      ]);
      expect((await q().claim('w', T0, 3, 1000)).sort()).toEqual(['a', 'b', 'c']);
      expect(await q().claim('other', T0 + 5, 1, 1000)).toEqual(['mine-not']);
      await q().release('w', [
        { instanceId: 'a' },
        { instanceId: 'b', nextDueAt: T0 + 100 },
        { instanceId: 'c', nextDueAt: T0 + 50 },
        { instanceId: 'mine-not' },
        { instanceId: 'ghost' },
      ]);
      await q().release('w', []);
      expect(await q().claim('x', T0 + 100, 10, 1000)).toEqual(['c', 'b']);
      expect(await q().nextDueAt()).toBe(T0 + 1005);
    });

    it('ignores releasing an instance that is not queued', async () => {
      await q().release('w', [{ instanceId: 'ghost' }]);
      await q().release('w', [{ instanceId: 'ghost', nextDueAt: T0 }]);
      expect(await q().nextDueAt()).toBeUndefined();
    });

    it('removes entries, claimed or not', async () => {
      await q().enqueue([
        { instanceId: 'a', dueAt: T0 },
        { instanceId: 'b', dueAt: T0 + 10 },
        { instanceId: 'c', dueAt: T0 + 20 },
      ]);
      expect(await q().claim('w', T0, 1, 1000)).toEqual(['a']);
      await q().remove(['a', 'b', 'missing']);
      await q().remove([]);
      expect(await q().nextDueAt()).toBe(T0 + 20);
      expect(await q().claim('w', T0 + 5000, 10, 1000)).toEqual(['c']);
      // A removed instance can be queued again.
      await q().enqueue([{ instanceId: 'a', dueAt: T0 + 1 }]);
      expect(await q().claim('w', T0 + 5000, 10, 1000)).toEqual(['a']);
    });

    it('spreads a claim race: each entry goes to exactly one of many claimers', async () => {
      await q().enqueue(Array.from({ length: 50 }, (_, i) => ({ instanceId: `i${i}`, dueAt: T0 + i })));
      const got = await Promise.all(Array.from({ length: 8 }, (_, w) => q().claim(`w${w}`, T0 + 100, 10, 1000)));
      const all = got.flat();
      expect(all).toHaveLength(50);
      expect(new Set(all).size).toBe(50);
    });
  });
}
