import { describe, expect, it } from 'vitest';
import type { ExternalEvent, ExternalEventStore, Subscription } from '../../ports/external-events.js';
import { type PortFactory, T0, usePort } from './harness.js';

const ev = (id: string, effectiveAt: number, extra: Partial<ExternalEvent> = {}): ExternalEvent => ({
  id,
  name: 'paid',
  key: 'order-1',
  data: { id, amount: 12.5, tags: ['a'] },
  effectiveAt,
  publishedAt: T0,
  ...extra,
});

const sub = (instanceId: string, pointerId: number, name = 'paid', key = 'order-1', asOf = T0): Subscription => ({
  instanceId,
  pointerId,
  name,
  key,
  asOf,
});

const byId = (a: Subscription, b: Subscription) => `${a.instanceId}/${a.pointerId}`.localeCompare(`${b.instanceId}/${b.pointerId}`);

/**
 * The ExternalEventStore contract. Publishing an id twice keeps the first. Subscribing the same
 * instance and pointer again replaces the wait. `activityByToken` answers while the claim is the
 * subscription's current one (not claimed again, not unsubscribed); expiry alone is not tested.
 */
export function externalEventStoreConformance(name: string, factory: PortFactory<ExternalEventStore>): void {
  describe(`${name}: ExternalEventStore conformance`, () => {
    const h = usePort(factory);
    const ids = (list: ExternalEvent[]) => list.map((e) => e.id);
    const none = new Set<string>();

    it('finds events earliest effective first, ties in publish order, with their data intact', async () => {
      await h.port.publish(ev('late', T0 + 300));
      await h.port.publish(ev('tie-1', T0 + 100));
      await h.port.publish(ev('early', T0 + 50));
      await h.port.publish(ev('tie-2', T0 + 100));
      const found = await h.port.find('paid', 'order-1', T0, none, 10);
      expect(ids(found)).toEqual(['early', 'tie-1', 'tie-2', 'late']);
      expect(found[0]).toEqual(ev('early', T0 + 50));
    });

    it('filters by name, key and "as of" (effective at or after it)', async () => {
      await h.port.publish(ev('before', T0 - 1));
      await h.port.publish(ev('at', T0));
      await h.port.publish(ev('after', T0 + 1));
      await h.port.publish(ev('other-key', T0 + 1, { key: 'order-2' }));
      await h.port.publish(ev('other-name', T0 + 1, { name: 'refunded' }));
      expect(ids(await h.port.find('paid', 'order-1', T0, none, 10))).toEqual(['at', 'after']);
      expect(ids(await h.port.find('paid', 'order-2', 0, none, 10))).toEqual(['other-key']);
      expect(ids(await h.port.find('refunded', 'order-1', 0, none, 10))).toEqual(['other-name']);
      expect(await h.port.find('nothing', 'order-1', 0, none, 10)).toEqual([]);
    });

    it('skips excluded ids before applying the limit', async () => {
      for (let i = 0; i < 6; i++) await h.port.publish(ev(`e${i}`, T0 + i));
      expect(ids(await h.port.find('paid', 'order-1', T0, new Set(['e0', 'e1', 'e3']), 2))).toEqual(['e2', 'e4']);
      expect(ids(await h.port.find('paid', 'order-1', T0, none, 1))).toEqual(['e0']);
    });

    it('keeps the first publication of an id', async () => {
      await h.port.publish(ev('dup', T0 + 5));
      await h.port.publish(ev('dup', T0 + 1, { data: 'second' }));
      const found = await h.port.find('paid', 'order-1', 0, none, 10);
      expect(found).toEqual([ev('dup', T0 + 5)]);
    });

    it('registers, lists and removes subscriptions', async () => {
      await h.port.subscribe(sub('i1', 1));
      await h.port.subscribe(sub('i2', 4, 'paid', 'order-1', T0 + 9));
      await h.port.subscribe(sub('i3', 1, 'paid', 'order-2'));
      expect((await h.port.subscribers('paid', 'order-1')).sort(byId)).toEqual([sub('i1', 1), sub('i2', 4, 'paid', 'order-1', T0 + 9)]);
      await h.port.unsubscribe('i1', 1);
      await h.port.unsubscribe('i1', 99);
      expect(await h.port.subscribers('paid', 'order-1')).toEqual([sub('i2', 4, 'paid', 'order-1', T0 + 9)]);
      expect(await h.port.subscribers('paid', 'order-2')).toEqual([sub('i3', 1, 'paid', 'order-2')]);
      expect(await h.port.subscribers('paid', 'nobody')).toEqual([]);
    });

    it('replaces the wait when the same pointer subscribes again', async () => {
      await h.port.subscribe(sub('i1', 1, 'paid', 'order-1'));
      await h.port.subscribe(sub('i1', 1, 'paid', 'order-9', T0 + 5));
      expect(await h.port.subscribers('paid', 'order-1')).toEqual([]);
      expect(await h.port.subscribers('paid', 'order-9')).toEqual([sub('i1', 1, 'paid', 'order-9', T0 + 5)]);
    });

    it('claims the oldest unclaimed activity, exclusively, for its worker', async () => {
      await h.port.subscribe(sub('i1', 1, 'activity:charge', 'k1'));
      await h.port.subscribe(sub('i2', 2, 'activity:charge', 'k2'));
      await h.port.subscribe(sub('i3', 3, 'activity:ship', 'k3'));
      await h.port.subscribe(sub('i4', 4, 'charge', 'k4'));
      const first = await h.port.claimActivity('charge', 'w1', T0, 1000);
      expect(first).toMatchObject({ instanceId: 'i1', pointerId: 1, activityName: 'charge', workerId: 'w1', expiresAt: T0 + 1000 });
      expect(typeof first?.token).toBe('string');
      const second = await h.port.claimActivity('charge', 'w2', T0, 1000);
      expect(second).toMatchObject({ instanceId: 'i2', pointerId: 2, workerId: 'w2' });
      expect(second?.token).not.toBe(first?.token);
      expect(await h.port.claimActivity('charge', 'w3', T0 + 999, 1000)).toBeUndefined();
      expect(await h.port.claimActivity('unknown', 'w3', T0, 1000)).toBeUndefined();
      expect(await h.port.activityByToken(first!.token)).toEqual(first);
      expect(await h.port.activityByToken('no-such-token')).toBeUndefined();
    });

    it('hands an expired activity claim to another worker, invalidating the old token', async () => {
      await h.port.subscribe(sub('i1', 1, 'activity:charge', 'k1'));
      const first = (await h.port.claimActivity('charge', 'w1', T0, 1000))!;
      const second = await h.port.claimActivity('charge', 'w2', T0 + 1000, 1000);
      expect(second).toMatchObject({ instanceId: 'i1', pointerId: 1, workerId: 'w2', expiresAt: T0 + 2000 });
      expect(await h.port.activityByToken(first.token)).toBeUndefined();
      expect(await h.port.activityByToken(second!.token)).toEqual(second);
    });

    it('a released claim can be claimed again at once; the old token no longer counts', async () => {
      await h.port.subscribe(sub('i1', 1, 'activity:charge', 'k1'));
      const first = (await h.port.claimActivity('charge', 'w1', T0, 60_000))!;
      expect(await h.port.claimActivity('charge', 'w2', T0 + 1, 60_000)).toBeUndefined();
      expect(await h.port.releaseActivity(first.token)).toBe(true);
      expect(await h.port.releaseActivity(first.token)).toBe(false);
      expect(await h.port.releaseActivity('no-such-token')).toBe(false);
      expect(await h.port.activityByToken(first.token)).toBeUndefined();
      const second = await h.port.claimActivity('charge', 'w2', T0 + 2, 60_000);
      expect(second).toMatchObject({ instanceId: 'i1', pointerId: 1, workerId: 'w2' });
    });

    it('forgets a claim when its subscription goes', async () => {
      await h.port.subscribe(sub('i1', 1, 'activity:charge', 'k1'));
      const claim = (await h.port.claimActivity('charge', 'w1', T0, 1000))!;
      await h.port.unsubscribe('i1', 1);
      expect(await h.port.activityByToken(claim.token)).toBeUndefined();
      expect(await h.port.claimActivity('charge', 'w2', T0 + 5000, 1000)).toBeUndefined();
    });

    it('removes everything of purged instances', async () => {
      await h.port.subscribe(sub('i1', 1));
      await h.port.subscribe(sub('i1', 2, 'activity:charge', 'k'));
      await h.port.subscribe(sub('i2', 1));
      const claim = (await h.port.claimActivity('charge', 'w', T0, 1000))!;
      await h.port.removeInstances(['i1', 'missing']);
      await h.port.removeInstances([]);
      expect(await h.port.subscribers('paid', 'order-1')).toEqual([sub('i2', 1)]);
      expect(await h.port.activityByToken(claim.token)).toBeUndefined();
      expect(await h.port.claimActivity('charge', 'w', T0 + 5000, 1000)).toBeUndefined();
    });

    it('hands each activity to exactly one of many racing workers', async () => {
      await h.port.subscribe(sub('i1', 1, 'activity:charge', 'k1'));
      const got = await Promise.all(Array.from({ length: 8 }, (_, i) => h.port.claimActivity('charge', `w${i}`, T0, 1000)));
      expect(got.filter((c) => c !== undefined)).toHaveLength(1);
    });
  });
}
