import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { workflow } from '../../src/domain/builder.js';
import { isWfeError } from '../../src/domain/errors.js';
import type { InstanceId, TypedState } from '../../src/runtime/handles.js';
import { SimulatedClock } from '../../src/testing/simulated-clock.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type Order = { item: string; qty: number; label?: string; shipped?: boolean };

const ship = workflow<Order>('ship', 1)
  .startWith((ctx) => { ctx.data.qty += 0; }, 'check')
  .activity('print-label', (d) => ({ item: d.item }))
  .output((d, label) => { d.label = String((label as { text?: string } | null)?.text); })
  .waitFor('picked-up', (d) => d.item)
  .then((ctx) => { ctx.data.shipped = true; }, 'ship')
  .build();

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('typed handles', () => {
  it('the data type goes from the builder to startWorkflow, getWorkflow and waitForCompletion', async () => {
    t = await createTestHost([]);
    const id = await t.host.startWorkflow(ship, { data: { item: 'book', qty: 1 } });
    expectTypeOf(id).toEqualTypeOf<InstanceId<Order>>();
    const settled = await t.host.waitForCompletion(id, { until: 'settled', timeoutMs: 5000 });
    expectTypeOf(settled).toEqualTypeOf<TypedState<Order>>();
    expect(settled.status).toBe('runnable');
    expect(settled.data.item).toBe('book');
    // @ts-expect-error: the data must be an Order
    await expect(t.host.startWorkflow(ship, { data: { item: 3 } })).resolves.toBeTypeOf('string');
  });

  it('a handle waits until settled (waiting for an activity), then until ended', async () => {
    t = await createTestHost([ship]);
    const h = await t.host.startHandle(ship, { data: { item: 'lamp', qty: 2 } });
    const waiting = await h.result({ until: 'settled', timeoutMs: 5000 });
    expect(waiting.status).toBe('runnable');
    expect(await t.host.listActivities({ activityName: 'print-label' })).toEqual([{ activityName: 'print-label', instanceId: h.instanceId, pointerId: expect.any(Number), parameters: { item: 'lamp' } }]);
    const job = await t.host.getPendingActivity('print-label', 'w1');
    await t.host.submitActivitySuccess(job!.token, { text: 'LAMP-1' });
    await t.waitForSubscription('picked-up', 'lamp');
    await t.host.publishEvent('picked-up', 'lamp');
    const done = await h.result({ timeoutMs: 5000 });
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ item: 'lamp', qty: 2, label: 'LAMP-1', shipped: true });
    expect(await t.host.listActivities()).toEqual([]);
  });
});

describe('activities', () => {
  it('getPendingActivity waits up to waitMs for work, and a claim can be released for another worker', async () => {
    t = await createTestHost([ship]);
    const waiting = t.host.getPendingActivity('print-label', 'w1', { waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 20));
    await t.host.startWorkflow(ship, { data: { item: 'cup', qty: 1 } });
    const job = await waiting;
    expect(job).toMatchObject({ activityName: 'print-label', parameters: { item: 'cup' } });
    expect(await t.host.getPendingActivity('print-label', 'w2')).toBeUndefined();
    await t.host.releaseActivity(job!.token);
    const again = await t.host.getPendingActivity('print-label', 'w2');
    expect(again?.instanceId).toBe(job!.instanceId);
    await expect(t.host.submitActivitySuccess(job!.token, {})).rejects.toThrow(/unknown or expired/);
    await expect(t.host.releaseActivity('nope')).rejects.toThrow(/unknown or expired/);
    expect(await t.host.getPendingActivity('nothing-here', 'w3', { waitMs: 30 })).toBeUndefined();
  });
});

describe('test helpers', () => {
  it('advanceToNextDue and runUntilIdle move the simulated clock through timers and retries', async () => {
    let tries = 0;
    const wf = workflow<{ n: number }>('timers')
      .startWith(() => {}, 'a')
      .delay(() => 60_000)
      .then(() => { if (++tries < 3) throw new Error('flaky'); }, 'flaky')
      .onError('retry', { interval: 5_000, maxRetries: 5 })
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('timers', { data: { n: 0 } });
    expect(s.status).toBe('runnable');
    const t0 = t.clock.now();
    expect(await t.advanceToNextDue()).toBe(true);
    expect(t.clock.now() - t0).toBe(60_000);
    expect(await t.runUntilIdle()).toBe(2);
    expect((await t.host.getWorkflow(s.instanceId)).status).toBe('complete');
    expect(await t.advanceToNextDue()).toBe(false);
  });

  it('a store on another clock than the host is an error, not a silent hang', async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
    const persistence = createMemoryPersistence({ clock: () => Date.UTC(2030, 0, 1) });
    const error = await createTestHost([], { clock, persistence }).then(() => undefined, (e: unknown) => e);
    expect(isWfeError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String((error as Error).message)).toMatch(/persistence's clock reads .*the host's/);
    await expect(createTestHost([], { clock: { now: () => 0, sleep: async () => {} } })).rejects.toThrow(/SimulatedClock/);
  });

  it('waitForSubscription times out with a clear error', async () => {
    t = await createTestHost([]);
    await expect(t.waitForSubscription('never', 'k', { timeoutMs: 20 })).rejects.toThrow('no instance waits for never/k');
  });
});
