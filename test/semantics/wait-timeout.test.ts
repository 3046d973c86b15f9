import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import type { Command } from '../../src/domain/commands.js';
import { nextDueAt, runnablePointers } from '../../src/domain/queries.js';
import { historyOf, workflowSpec, type TestHost } from '../../src/testing/index.js';
import { hostOn, stopAll, STORES } from './stores.js';

/** A wait with a timeout (the builder's `waitFor(…, { timeout })`, YAML `type: wait` with `timeout`). */
const wf = workflow('wait-timeout').waitFor('approved', 'k', undefined, { timeout: 1000 }).build();
const exec = (execution: Extract<Command, { type: 'Execute' }>['execution'], startedAt = 0): Command => ({ type: 'Execute', pointerId: 0, attempt: 1, startedAt, execution });
const waiting = historyOf(wf, [{ type: 'Start', instanceId: 'i', data: {} }, exec({ kind: 'wait', name: 'approved', key: 'k', asOf: 0, timeoutAt: 1000 })]);

describe('wait timeouts (decide and queries)', () => {
  it('EventAwaited records the timeout; the wait is due then, and runnable only from then', () => {
    expect(waiting.at(-1)).toMatchObject({ type: 'EventAwaited', eventName: 'approved', eventKey: 'k', asOf: 0, timeoutAt: 1000 });
    const state = workflowSpec(wf).given(waiting).state;
    expect(nextDueAt(state, 10)).toBe(1000);
    expect(runnablePointers(state, 999)).toEqual([]);
    expect(runnablePointers(state, 1000).map((p) => p.id)).toEqual([0]);
  });

  it('before its timeout a waiting step cannot run; from then on its failure is accepted', () => {
    const error = { type: 'Timeout', message: 'no event' };
    workflowSpec(wf).given(waiting).when(exec({ kind: 'failed', error }, 999), { now: 999 }).thenRejects('INVALID_STATE');
    workflowSpec(wf).given(waiting).when(exec({ kind: 'failed', error }, 1000), { now: 1000 }).then([
      { type: 'StepStarted', pointerId: 0, attempt: 1 },
      { type: 'StepFailed', pointerId: 0, attempt: 1, error },
      { type: 'StepRetryScheduled', pointerId: 0, retryCount: 1, dueAt: 61_000 },
    ]);
  });

  it('an event that comes in time clears the timeout', () => {
    const received = [...waiting, ...workflowSpec(wf).given(waiting).when({ type: 'DeliverEvent', pointerId: 0, event: { id: 'e', name: 'approved', key: 'k', data: 1, effectiveAt: 0 } }).decision().events];
    const state = workflowSpec(wf).given(received).state;
    expect(nextDueAt(state, 5000)).toBe(5000);
    expect(state.pointerChunks[0]?.[0]?.eventTimeoutAt).toBeUndefined();
  });
});

describe.each(STORES)('wait timeouts (host, %s)', (store) => {
  let t: TestHost | undefined;
  afterEach(stopAll);

  it('no event within the timeout: the step fails with Timeout and its onError applies; an event in time goes on', async () => {
    const timed = workflow<{ got?: unknown }>('timed')
      .waitFor('approved', (_, ctx) => ctx.instanceId, undefined, { timeout: 60_000 })
      .output((d, out: { eventData: unknown }) => { d.got = out.eventData; })
      .onError('terminate')
      .build();
    t = await hostOn(store, [timed]);
    const late = await t.run('timed', { data: {} });
    const inTime = await t.run('timed', { data: {} });
    await t.advance(30_000);
    await t.host.publishEvent('approved', inTime.instanceId, 'yes');
    await t.host.drain();
    await t.advance(30_000);
    const l = await t.host.getWorkflow(late.instanceId);
    expect(l.status).toBe('terminated');
    const failed = (await t.host.history(late.instanceId)).find((e) => e.event.type === 'StepFailed')?.event;
    expect(failed).toMatchObject({ error: { type: 'Timeout', message: expect.stringMatching(/no event approved\/.* came in time/) } });
    const ok = await t.host.getWorkflow(inTime.instanceId);
    expect(ok.status).toBe('complete');
    expect(ok.data).toEqual({ got: 'yes' });
  });
});
