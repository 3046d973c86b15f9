import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type D = { got: unknown[]; n?: number; stop?: boolean; log?: string[] };

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const waiter = (id: string, key = 'k1') =>
  workflow<D>(id).waitFor('order-paid', key).output((d, o: { eventData: unknown }) => { d.got.push(o.eventData); }).build();

describe('external events', () => {
  it('delivers an event to a waiting workflow, and its data through the output mapping', async () => {
    t = await createTestHost([waiter('w')]);
    const s = await t.run('w', { data: { got: [] } });
    expect(s.status).toBe('runnable');
    await t.host.publishEvent('order-paid', 'k1', { amount: 12 });
    await t.host.drain();
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ got: [{ amount: 12 }] });
    expect(await t.eventTypes(s.instanceId)).toEqual(expect.arrayContaining(['EventAwaited', 'EventReceived']));
  });

  it('an event published before the wait (even before the workflow started) is delivered', async () => {
    t = await createTestHost([waiter('early')]);
    await t.host.publishEvent('order-paid', 'k1', 'early bird');
    const s = await t.run('early', { data: { got: [] } });
    expect(s.status).toBe('complete');
    expect(s.data).toEqual({ got: ['early bird'] });
  });

  it('a wait gets the earliest effective event first, and only those effective at or after its as-of time', async () => {
    const wf = workflow<D>('asof')
      .waitFor('tick', 'k', 1_000)
      .output((d, o: { eventData: unknown }) => { d.got.push(o.eventData); })
      .build();
    t = await createTestHost([wf]);
    await t.host.publishEvent('tick', 'k', 'too old', 500);
    await t.host.publishEvent('tick', 'k', 'later', 3_000);
    await t.host.publishEvent('tick', 'k', 'earliest eligible', 2_000);
    const s = await t.run('asof', { data: { got: [] } });
    expect(s.data).toEqual({ got: ['earliest eligible'] });
  });

  it('one event satisfies many waits: across instances and across branches', async () => {
    const fan = workflow<D>('fan')
      .parallel()
      .do((b) => b.waitFor('go', 'all').output((d) => { d.got.push('branch 1'); }))
      .do((b) => b.waitFor('go', 'all').output((d) => { d.got.push('branch 2'); }))
      .join()
      .build();
    t = await createTestHost([fan]);
    const a = await t.run('fan', { data: { got: [] } });
    const b = await t.run('fan', { data: { got: [] } });
    await t.host.publishEvent('go', 'all', null);
    await t.host.drain();
    for (const id of [a.instanceId, b.instanceId]) {
      const s = await t.host.getWorkflow(id);
      expect(s.status).toBe('complete');
      expect([...(s.data as D).got].sort()).toEqual(['branch 1', 'branch 2']);
    }
  });

  it('a later loop iteration does not receive the event an earlier one consumed', async () => {
    const loop = workflow<D>('loop')
      .whileDo((d) => (d.n ?? 0) < 2, (b) =>
        b.waitFor('ping', 'k').output((d, o: { eventData: unknown }) => { d.got.push(o.eventData); d.n = (d.n ?? 0) + 1; }))
      .build();
    t = await createTestHost([loop]);
    await t.host.publishEvent('ping', 'k', 'first');
    const s = await t.run('loop', { data: { got: [] } });
    expect(s.status).toBe('runnable');
    expect(s.data).toMatchObject({ got: ['first'], n: 1 });
    await t.host.publishEvent('ping', 'k', 'second');
    await t.host.drain();
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toMatchObject({ got: ['first', 'second'] });
  });

  it('a cancel condition cancels a wait; proceedOnCancel goes on after it', async () => {
    const build = (id: string, proceed: boolean) =>
      workflow<D>(id)
        .parallel()
        .do((b) => b.waitFor('never', 'k').cancelCondition((d) => d.stop === true, proceed).then((ctx) => { ctx.data.got.push('after wait'); }))
        .do((b) => b.delay(1000).then((ctx) => { ctx.data.stop = true; }))
        .join()
        .build();
    t = await createTestHost([build('cancel', false), build('cancel-proceed', true)]);
    const a = await t.run('cancel', { data: { got: [] } });
    const b = await t.run('cancel-proceed', { data: { got: [] } });
    await t.advance(1000);
    const sa = await t.host.getWorkflow(a.instanceId);
    const sb = await t.host.getWorkflow(b.instanceId);
    expect(sa.status).toBe('complete');
    expect((sa.data as D).got).toEqual([]);
    expect(sb.status).toBe('complete');
    expect((sb.data as D).got).toEqual(['after wait']);
    expect(await t.eventTypes(a.instanceId)).toContain('StepCancelled');
  });

  it('activities: an external worker claims, completes or fails them', async () => {
    const wf = workflow<{ label?: string; err?: string }>('act')
      .activity('print-label', () => ({ size: 'A6', copies: 2 } as never))
      .output((d, result: { label: string }) => { d.label = result.label; })
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('act', { data: {} });
    expect(s.status).toBe('runnable');
    const job = await t.host.getPendingActivity('print-label', 'worker-1');
    expect(job?.parameters).toEqual({ size: 'A6', copies: 2 });
    expect(await t.host.getPendingActivity('print-label', 'worker-2')).toBeUndefined();
    await t.host.submitActivitySuccess(job!.token, { label: 'LBL-1' });
    await t.host.drain();
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ label: 'LBL-1' });
    await expect(t.host.submitActivitySuccess('no-such-token')).rejects.toMatchObject({ code: 'INVALID_COMMAND' });
  });
});
