import { either as E } from 'fp-ts';
import { describe, expect, it } from 'vitest';
import { workflow } from './builder.js';
import { forkEvents, pathPatches } from './fork.js';
import { historyOf, workflowSpec } from '../testing/workflow-spec.js';

const wf = workflow<{ amount: number }>('pay').defaultOnError({ type: 'fail' }).startWith(() => undefined, 'check').then(() => undefined, 'charge').build();
const started = { type: 'Start' as const, instanceId: 'orig', data: { amount: 500 }, parentInstanceId: 'parent' };
const failedRun = historyOf(wf, [
  started,
  { type: 'Execute', pointerId: 0, attempt: 1, startedAt: 0, execution: { kind: 'completed' } },
  { type: 'Execute', pointerId: 1, attempt: 1, startedAt: 0, execution: { kind: 'failed', error: { type: 'Error', message: 'declined' } } },
]);

describe('forkEvents (pure): a prefix, ForkedFrom, the corrected data', () => {
  it('copies the prefix under the new id (no parent), then ForkedFrom and DataChanged; the state is runnable there', () => {
    const at = failedRun.findIndex((e) => e.type === 'StepStarted' && e.pointerId === 1);
    const r = forkEvents({ prefix: failedRun.slice(0, at), sourceInstanceId: 'orig', newInstanceId: 'copy', now: 99, patch: [{ path: 'amount', value: 50 }, { path: 'customer.name', value: 'Ada' }], reason: 'fix' });
    if (E.isLeft(r)) throw r.left;
    const { events, state } = r.right;
    expect(events[0]).toMatchObject({ type: 'WorkflowStarted', instanceId: 'copy' });
    expect(events[0]).not.toHaveProperty('parentInstanceId');
    expect(events.slice(at)).toEqual([
      { type: 'ForkedFrom', v: 1, at: 99, instanceId: 'orig', version: at },
      { type: 'DataChanged', v: 1, at: 99, reason: 'fix', patches: [{ op: 'replace', path: ['amount'], value: 50 }, { op: 'add', path: ['customer'], value: { name: 'Ada' } }] },
    ]);
    expect(state).toMatchObject({ instanceId: 'copy', status: 'runnable', data: { amount: 50, customer: { name: 'Ada' } }, forkedFrom: { instanceId: 'orig', version: at } });
  });

  it('refuses a version where the original had ended, a same id, and a path through a scalar', () => {
    const r = forkEvents({ prefix: failedRun, sourceInstanceId: 'orig', newInstanceId: 'copy', now: 0 });
    expect(E.isLeft(r) && `${r.left.code}: ${r.left.message}`).toBe(`INVALID_STATE: instance orig is failed at version ${failedRun.length}: fork at an earlier version (before the step to run again started)`);
    const same = forkEvents({ prefix: failedRun.slice(0, 2), sourceInstanceId: 'orig', newInstanceId: 'orig', now: 0 });
    expect(E.isLeft(same) && same.left.code).toBe('INVALID_ARGUMENT');
    expect(() => pathPatches({ amount: 5 }, [{ path: 'amount.value', value: 1 }])).toThrow('cannot set amount.value: amount is 5, not an object');
  });
});

describe('ChangeData (given/when/then)', () => {
  it('given a failed instance, when its data is corrected, then DataChanged is recorded and it stays failed', () => {
    const d = workflowSpec(wf)
      .given(failedRun)
      .when({ type: 'ChangeData', patches: [{ op: 'replace', path: ['amount'], value: 50 }], reason: 'typo' })
      .then([{ type: 'DataChanged', patches: [{ op: 'replace', path: ['amount'], value: 50 }], reason: 'typo' }]);
    expect(d.state).toMatchObject({ status: 'failed', data: { amount: 50 } });
  });

  it('given a completed instance, when its data is changed, then it is rejected', () => {
    const completed = historyOf(wf, [started, { type: 'Execute', pointerId: 0, attempt: 1, startedAt: 0, execution: { kind: 'completed' } }, { type: 'Execute', pointerId: 1, attempt: 1, startedAt: 0, execution: { kind: 'completed' } }]);
    workflowSpec(wf).given(completed).when({ type: 'ChangeData', patches: [], reason: 'late' }).thenRejects('INVALID_STATE');
  });
});
