import { describe, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import type { Command } from '../../src/domain/commands.js';
import { historyOf, workflowSpec } from '../../src/testing/index.js';

/** A wait with a cancel condition: the condition is user code the runtime runs while the step waits. */
const wf = workflow<{ n: number }>('cc').waitFor('approved', 'k').cancelCondition((d) => d.n > 1).build();
const exec = (execution: Extract<Command, { type: 'Execute' }>['execution']): Command => ({ type: 'Execute', pointerId: 0, attempt: 1, startedAt: 5, execution });
const waiting = historyOf(wf, [{ type: 'Start', instanceId: 'i', data: { n: 0 } }, exec({ kind: 'wait', name: 'approved', key: 'k', asOf: 0 })]);
const error = { type: 'TypeError', message: 'cancel condition of step 0 threw: x is undefined' };

describe('a cancel condition that throws (decide)', () => {
  it('given a waiting step, when its cancel condition threw, then the step fails like any user code', () => {
    workflowSpec(wf).given(waiting).when(exec({ kind: 'failed', during: 'cancelCondition', error }), { now: 5 }).then([
      { type: 'StepStarted', pointerId: 0, attempt: 1 },
      { type: 'StepFailed', pointerId: 0, attempt: 1, error },
      { type: 'StepRetryScheduled', pointerId: 0, retryCount: 1, dueAt: 60_005 },
    ]);
  });

  it('given a waiting step, a failure that did not come from its cancel condition is refused', () => {
    workflowSpec(wf).given(waiting).when(exec({ kind: 'failed', error }), { now: 5 }).thenRejects('INVALID_STATE');
  });
});
