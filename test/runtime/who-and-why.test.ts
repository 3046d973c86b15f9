import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { isWfeError } from '../../src/domain/errors.js';
import { Result, type StepContext } from '../../src/domain/step-api.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type Data = { amount: number; note?: string; seen?: unknown };

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const rejects = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return isWfeError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  return 'resolved';
};

describe('who and why: the caller reaches the envelope of every event a call appends', () => {
  it('start, suspend, changeData, resume and terminate record actor, reason, correlation and the command', async () => {
    const wf = workflow<Data>('approve')
      .startWith((ctx) => (ctx.event ? undefined : Result.waitForEvent('approved', String(ctx.data.amount))), 'wait')
      .then((ctx: StepContext<Data>) => {
        ctx.data.seen = ctx.data.note ?? null;
      }, 'use')
      .build();
    t = await createTestHost([wf]);
    const id = await t.host.startWorkflow('approve', { data: { amount: 7 }, actor: 'alice', reason: 'monthly run', correlationId: 'req-1' });
    await t.host.drain();
    await t.host.suspendWorkflow(id, 'checking the amount', { actor: 'bob', correlationId: 'req-1' });
    await t.host.changeData(id, [{ path: 'note', value: 'approved by phone' }], { actor: 'bob', reason: 'customer called' });
    await t.host.resumeWorkflow(id, { actor: 'carol' });
    const history = await t.host.history(id);
    const meta = (type: string) => history.find((e) => e.event.type === type)!.meta;
    expect(meta('WorkflowStarted')).toEqual({ actor: 'alice', reason: 'monthly run', correlationId: 'req-1', causationId: 'api:start' });
    expect(meta('WorkflowSuspended')).toEqual({ actor: 'bob', reason: 'checking the amount', correlationId: 'req-1', causationId: 'api:suspend' });
    expect(meta('DataChanged')).toEqual({ actor: 'bob', reason: 'customer called', causationId: 'api:changeData' });
    expect(history.find((e) => e.event.type === 'DataChanged')!.event).toMatchObject({ patches: [{ op: 'add', path: ['note'], value: 'approved by phone' }], reason: 'customer called' });
    expect(meta('WorkflowResumed')).toEqual({ actor: 'carol', causationId: 'api:resume' });
    // The host's own passes say it was the host.
    expect(meta('EventAwaited')).toEqual({ actor: t.host.hostId });
    await t.host.publishEvent('approved', '7');
    const done = await t.host.waitForCompletion(id, { timeoutMs: 5000 });
    expect(done.data).toMatchObject({ note: 'approved by phone', seen: 'approved by phone' });
    expect(await rejects(t.host.changeData(id, [{ path: 'note', value: 'too late' }]))).toMatch(/^INVALID_STATE: .*already ended \(complete\)/);
  });

  it('a failed instance takes a data correction; host.fork runs a fork live and its steps see ctx.forkedFrom', async () => {
    const seen: unknown[] = [];
    const wf = workflow<Data>('pay')
      .defaultOnError({ type: 'fail' })
      .startWith(() => undefined, 'check')
      .then((ctx: StepContext<Data>) => {
        seen.push({ forkedFrom: ctx.forkedFrom ?? null, isReplay: ctx.isReplay });
        if (ctx.data.amount > 100) throw new Error('over the limit');
      }, 'charge')
      .build();
    t = await createTestHost([wf]);
    const failed = await t.run('pay', { data: { amount: 500 } });
    expect(failed.status).toBe('failed');
    const corrected = await t.host.changeData(failed.instanceId, [{ path: 'amount', value: 50 }], { actor: 'ops', reason: 'typo in the amount' });
    expect(corrected).toMatchObject({ status: 'failed', data: { amount: 50 } });
    // Fork before charge started, from the original (amount 500), with the correction.
    const history = await t.host.history(failed.instanceId);
    const at = history.findIndex((e) => e.event.type === 'StepStarted' && e.event.pointerId === 1);
    const forkId = await t.host.fork(failed.instanceId, { atVersion: at, patch: [{ path: 'amount', value: 50 }], actor: 'ops', reason: 'rerun with the corrected amount' });
    const done = await t.host.waitForCompletion(forkId, { timeoutMs: 5000 });
    expect(done.status).toBe('complete');
    expect(seen).toEqual([{ forkedFrom: null, isReplay: false }, { forkedFrom: { instanceId: failed.instanceId, version: at }, isReplay: false }]);
    const forked = await t.host.history(forkId);
    expect(forked.find((e) => e.event.type === 'ForkedFrom')!.meta).toMatchObject({ actor: 'ops', reason: 'rerun with the corrected amount', causationId: `fork:${failed.instanceId}@${at}` });
    expect(await rejects(t.host.fork('nobody', { atVersion: 1 }))).toBe('UNKNOWN_INSTANCE: no workflow instance nobody');
  });
});
