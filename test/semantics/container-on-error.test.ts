import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import type { Command } from '../../src/domain/commands.js';
import type { ErrorBehavior } from '../../src/domain/definition.js';
import { historyOf, workflowSpec, type TestHost } from '../../src/testing/index.js';
import { hostOn, stopAll, STORES } from './stores.js';

/**
 * Issue 8, item 3: a container's own `onError` decides what follows its compensations
 * (retry re-runs its body, terminate, suspend, fail). Domain rules as given/when/then over `decide`.
 */
const noop = () => undefined;
const sagaWith = (onError: ErrorBehavior['type'] | undefined) => {
  const saga = workflow('saga-on-error')
    .saga((s) => s.startWith(noop, 'book').compensateWith(noop, 'cancel booking').then(noop, 'charge'));
  // steps: 0 saga, 1 book, 2 cancel booking (compensation of 1), 3 charge, 4 after
  return (onError ? saga.onError(onError) : saga).then(noop, 'after').build();
};
const exec = (pointerId: number, execution: Extract<Command, { type: 'Execute' }>['execution']): Command => ({ type: 'Execute', pointerId, attempt: 1, startedAt: 0, execution });
const declined = { type: 'Error', message: 'declined' };
/** Up to the moment `charge` (pointer 2) is about to fail inside the saga (pointer 0). */
const beforeFailure: Command[] = [
  { type: 'Start', instanceId: 'i', data: {} },
  exec(0, { kind: 'enter' }),
  exec(1, { kind: 'completed' }),
];
const compensationOfBook = { type: 'StepsActivated' as const, pointers: [{ id: 3, stepId: 2, scope: [], chainId: 1, chainIndex: 0, handler: true, compensates: 1 }] };
const failureEvents = (then: object) => [
  { type: 'StepStarted' as const, pointerId: 2, attempt: 1 },
  { type: 'StepFailed' as const, pointerId: 2, attempt: 1, error: declined },
  { type: 'CompensationStarted' as const, pointerId: 2, chainId: 1, links: [{ stepId: 2, compensates: 1, scope: [] }], then: then as never, reason: 'compensate' as const, failed: [2, 0] },
  compensationOfBook,
];
const compensated = [
  { type: 'StepStarted' as const, pointerId: 3, attempt: 1 },
  { type: 'StepCompleted' as const, pointerId: 3 },
  { type: 'StepCompensated' as const, pointerId: 1 },
  { type: 'CompensationCompleted' as const, chainId: 1 },
];

describe("a container's own onError, after its compensations (decide)", () => {
  it("terminate: the compensations run first, then the workflow is terminated", () => {
    const wf = sagaWith('terminate');
    const reason = 'saga failed (charge) and was compensated';
    workflowSpec(wf).given(historyOf(wf, beforeFailure)).when(exec(2, { kind: 'failed', error: declined })).then(failureEvents({ kind: 'terminate', reason }));
    const d = workflowSpec(wf)
      .given(historyOf(wf, [...beforeFailure, exec(2, { kind: 'failed', error: declined })]))
      .when(exec(3, { kind: 'completed' }))
      .then([...compensated, { type: 'WorkflowTerminated', reason }]);
    expect(d.state.status).toBe('terminated');
  });

  it('suspend: the compensations run, the saga is activated again and the workflow suspended; resume re-runs its body', () => {
    const wf = sagaWith('suspend');
    const reason = 'saga failed (charge) and was compensated';
    const failed = [...beforeFailure, exec(2, { kind: 'failed', error: declined })];
    workflowSpec(wf).given(historyOf(wf, beforeFailure)).when(exec(2, { kind: 'failed', error: declined })).then(failureEvents({ kind: 'suspend', pointerId: 0, reason }));
    const d = workflowSpec(wf)
      .given(historyOf(wf, failed))
      .when(exec(3, { kind: 'completed' }))
      .then([...compensated, { type: 'StepsActivated', pointers: [{ id: 4, stepId: 0, scope: [], retryCount: 0 }] }, { type: 'WorkflowSuspended', reason }]);
    expect(d.state.status).toBe('suspended');
    const suspended = historyOf(wf, [...failed, exec(3, { kind: 'completed' })]);
    workflowSpec(wf).given(suspended).when(exec(4, { kind: 'enter' })).thenRejects('INVALID_STATE');
    workflowSpec(wf)
      .given(historyOf(wf, [...failed, exec(3, { kind: 'completed' }), { type: 'Resume' }]))
      .when(exec(4, { kind: 'enter' }))
      .then([{ type: 'StepStarted', pointerId: 4, attempt: 1 }, { type: 'BranchesStarted', pointerId: 4, pointers: [{ id: 5, stepId: 1, scope: [4] }] }]);
  });

  it('fail: the flow stops, the saga\'s own onFailure runs after its compensations, the workflow fails', () => {
    const wf = workflow('saga-fail')
      .saga((s) => s.startWith(noop, 'book').compensateWith(noop, 'cancel booking').then(noop, 'charge'))
      .onError('fail')
      .onFailure((b) => b.startWith(noop, 'alert'))
      .then(noop, 'after')
      .build();
    // steps: 0 saga, 1 book, 2 cancel booking, 3 charge, 4 on-failure sequence, 5 alert, 6 after
    const d = workflowSpec(wf)
      .given(historyOf(wf, beforeFailure))
      .when(exec(2, { kind: 'failed', error: declined }))
      .then([
        { type: 'StepStarted', pointerId: 2, attempt: 1 },
        { type: 'StepFailed', pointerId: 2, attempt: 1, error: declined },
        { type: 'CompensationStarted', pointerId: 2, chainId: 1, links: [{ stepId: 2, compensates: 1, scope: [] }, { stepId: 4, scope: [] }], then: { kind: 'fail' }, reason: 'compensate', failed: [2, 0] },
        compensationOfBook,
      ]);
    expect(d.state.failing).toEqual(declined);
    const rest = historyOf(wf, [...beforeFailure, exec(2, { kind: 'failed', error: declined }), exec(3, { kind: 'completed' }), exec(4, { kind: 'enter' })]);
    workflowSpec(wf).given(rest).when(exec(5, { kind: 'completed' })).then([
      { type: 'StepStarted', pointerId: 5, attempt: 1 },
      { type: 'StepCompleted', pointerId: 5 },
      { type: 'BranchCompleted', pointerId: 4 },
      { type: 'StepCompleted', pointerId: 4 },
      { type: 'CompensationCompleted', chainId: 1 },
      { type: 'WorkflowFailed', error: declined },
    ]);
  });

  it('retry: after the compensations the saga runs again after its interval, also when it has a compensation of its own', () => {
    const wf = workflow('saga-retry')
      .saga((s) => s.startWith(noop, 'book').compensateWith(noop, 'cancel booking').then(noop, 'charge'))
      .onError('retry', { interval: 500, maxRetries: 1 })
      .compensateWith(noop, 'undo saga')
      .build();
    // steps: 0 saga, 1 book, 2 cancel booking, 3 charge, 4 undo saga
    workflowSpec(wf)
      .given(historyOf(wf, beforeFailure))
      .when(exec(2, { kind: 'failed', error: declined }), { now: 1000 })
      .then([
        { type: 'StepStarted', pointerId: 2, attempt: 1 },
        { type: 'StepFailed', pointerId: 2, attempt: 1, error: declined },
        { type: 'CompensationStarted', pointerId: 2, chainId: 1, links: [{ stepId: 2, compensates: 1, scope: [] }, { stepId: 4, compensates: 0, scope: [] }], then: { kind: 'retry', pointerId: 0, delay: 500 }, reason: 'compensate', failed: [2, 0] },
        compensationOfBook,
      ]);
  });

  it('retries run out: the saga is suspended like a step (resume runs it again)', () => {
    const wf = workflow('saga-exhausted')
      .saga((s) => s.startWith(noop, 'book').compensateWith(noop, 'cancel booking').then(noop, 'charge'))
      .onError('retry', { interval: 0, maxRetries: 1 })
      .build();
    const second: Command[] = [
      ...beforeFailure, exec(2, { kind: 'failed', error: declined }), exec(3, { kind: 'completed' }),
      // the re-run saga is pointer 4: book is 5, charge 6
      exec(4, { kind: 'enter' }), exec(5, { kind: 'completed' }),
    ];
    const d = workflowSpec(wf).given(historyOf(wf, second)).when(exec(6, { kind: 'failed', error: declined })).decision();
    expect(d.events.find((e) => e.type === 'CompensationStarted')).toMatchObject({
      then: { kind: 'suspend', pointerId: 4, reason: 'saga failed (charge) and was compensated; 2 runs, no retries left' },
    });
  });

  it('any container with a compensation: a sequence with onError(terminate) runs its compensation, then terminates', () => {
    const wf = workflow('seq-term')
      .sequence((b) => b.startWith(noop, 'charge'))
      .compensateWith(noop, 'refund')
      .onError('terminate')
      .then(noop, 'after')
      .build();
    // steps: 0 sequence, 1 charge, 2 refund, 3 after
    const reason = 'sequence failed (charge) and was compensated';
    const started = historyOf(wf, [{ type: 'Start', instanceId: 'i', data: {} }, exec(0, { kind: 'enter' })]);
    workflowSpec(wf).given(started).when(exec(1, { kind: 'failed', error: declined })).then([
      { type: 'StepStarted', pointerId: 1, attempt: 1 },
      { type: 'StepFailed', pointerId: 1, attempt: 1, error: declined },
      { type: 'CompensationStarted', pointerId: 1, chainId: 1, links: [{ stepId: 2, compensates: 0, scope: [] }], then: { kind: 'terminate', reason }, reason: 'compensate', failed: [1, 0] },
      { type: 'StepsActivated', pointers: [{ id: 2, stepId: 2, scope: [], chainId: 1, chainIndex: 0, handler: true, compensates: 0 }] },
    ]);
    const failed = historyOf(wf, [{ type: 'Start', instanceId: 'i', data: {} }, exec(0, { kind: 'enter' }), exec(1, { kind: 'failed', error: declined })]);
    workflowSpec(wf).given(failed).when(exec(2, { kind: 'completed' })).then([
      { type: 'StepStarted', pointerId: 2, attempt: 1 },
      { type: 'StepCompleted', pointerId: 2 },
      { type: 'StepCompensated', pointerId: 0 },
      { type: 'CompensationCompleted', chainId: 1 },
      { type: 'WorkflowTerminated', reason },
    ]);
  });

  it('without an onError of its own, a saga with no compensation still fails (one with a compensation resumes: errors.test.ts)', () => {
    workflowSpec(sagaWith(undefined)).given(historyOf(sagaWith(undefined), beforeFailure)).when(exec(2, { kind: 'failed', error: declined })).then(failureEvents({ kind: 'fail' }));
  });
});

describe.each(STORES)("a container's own onError through the host (%s)", (store) => {
  let t: TestHost | undefined;
  afterEach(stopAll);
  type Log = { log: string[] };
  const push = (s: string) => (ctx: { data: Log }) => { ctx.data.log.push(s); };

  it('a saga with onError(terminate) is terminated after its compensations; nothing after it runs', async () => {
    const wf = workflow<Log>('h-term')
      .saga((s) => s.startWith(push('book')).compensateWith(push('cancel')).then(() => { throw new Error('declined'); }))
      .onError('terminate')
      .then(push('never'))
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('h-term', { data: { log: [] } });
    expect(s.status).toBe('terminated');
    expect(s.data).toEqual({ log: ['book', 'cancel'] });
    expect((await t.eventTypes(s.instanceId)).at(-1)).toBe('WorkflowTerminated');
  });

  it('a saga with onError(suspend) is suspended after its compensations, and resuming re-runs its body', async () => {
    let fail = true;
    const wf = workflow<Log>('h-susp')
      .saga((s) => s.startWith(push('book')).compensateWith(push('cancel')).then((ctx) => {
        if (fail) throw new Error('declined');
        ctx.data.log.push('charge');
      }))
      .onError('suspend')
      .then(push('after'))
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('h-susp', { data: { log: [] } });
    expect(s.status).toBe('suspended');
    expect(s.data).toEqual({ log: ['book', 'cancel'] });
    fail = false;
    await t.host.resumeWorkflow(s.instanceId);
    await t.host.drain();
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ log: ['book', 'cancel', 'book', 'charge', 'after'] });
  });
});
