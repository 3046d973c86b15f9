import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import type { Command } from '../../src/domain/commands.js';
import { isWfeError } from '../../src/domain/errors.js';
import { Result } from '../../src/domain/step-api.js';
import { historyOf, workflowSpec, type TestHost } from '../../src/testing/index.js';
import { hostOn, stopAll, STORES } from './stores.js';

/** Issue 8, item 2: consecutive `when` blocks form one group (workflow-core's OutcomeSwitch). */
const noop = () => undefined;
const grouped = workflow<{ big?: boolean }>('group')
  .startWith(noop, 'classify')
  .when('big').do((b) => b.startWith(noop, 'big 1').then(noop, 'big 2'))
  .when((outcome, data) => outcome === 'huge' || data.big === true).do((b) => b.startWith(noop, 'large'))
  .when('small', (b) => b.startWith(noop, 'small'))
  .then(noop, 'after')
  .build();
// steps: 0 classify, 1 the group (switch), 2 big 1, 3 big 2, 4 large, 5 small, 6 after
const exec = (pointerId: number, execution: Extract<Command, { type: 'Execute' }>['execution']): Command => ({ type: 'Execute', pointerId, attempt: 1, startedAt: 0, execution });
const classified = (outcome: string): Command[] => [{ type: 'Start', instanceId: 'i', data: {} }, exec(0, { kind: 'completed', outcome })];

describe('when blocks are a group (decide)', () => {
  it('the builder makes one switch after the step, one case per block, and chains the next step after the switch', () => {
    const [classify, group] = grouped.definition.steps;
    expect(classify?.outcomes).toEqual([{ next: 1 }]);
    expect(group).toMatchObject({ kind: 'switch', children: [2, 4, 5], outcomes: [{ next: 6 }] });
    expect(group?.params?.cases).toEqual([{ value: 'big' }, { fn: 'group@1/1.case1' }, { value: 'small' }]);
  });

  it('a step that proceeds activates the group, not the step after it', () => {
    workflowSpec(grouped)
      .given(historyOf(grouped, [{ type: 'Start', instanceId: 'i', data: {} }]))
      .when(exec(0, { kind: 'completed', outcome: 'big' }))
      .then([
        { type: 'StepStarted', pointerId: 0, attempt: 1 },
        { type: 'StepCompleted', pointerId: 0, outcome: 'big' },
        { type: 'StepsActivated', pointers: [{ id: 1, stepId: 1, scope: [], predecessorId: 0 }] },
      ]);
  });

  it('the group starts every block whose value equals the outcome, and those whose predicate the runtime says held', () => {
    workflowSpec(grouped)
      .given(historyOf(grouped, classified('big')))
      .when(exec(1, { kind: 'enter', matched: [1] }))
      .then([
        { type: 'StepStarted', pointerId: 1, attempt: 1 },
        { type: 'BranchesStarted', pointerId: 1, pointers: [{ id: 2, stepId: 2, scope: [1] }, { id: 3, stepId: 4, scope: [1] }] },
      ]);
  });

  it('the step after the group runs only once every matched block has ended', () => {
    const history = historyOf(grouped, [...classified('big'), exec(1, { kind: 'enter', matched: [1] }), exec(2, { kind: 'completed' })]);
    // 'big 1' is done, 'big 2' (pointer 4) and 'large' (pointer 3) still run: the group waits.
    workflowSpec(grouped).given(history).when(exec(3, { kind: 'completed' })).then([
      { type: 'StepStarted', pointerId: 3, attempt: 1 },
      { type: 'StepCompleted', pointerId: 3 },
    ]);
    const almost = historyOf(grouped, [...classified('big'), exec(1, { kind: 'enter', matched: [1] }), exec(2, { kind: 'completed' }), exec(3, { kind: 'completed' })]);
    workflowSpec(grouped).given(almost).when(exec(4, { kind: 'completed' })).then([
      { type: 'StepStarted', pointerId: 4, attempt: 1 },
      { type: 'StepCompleted', pointerId: 4 },
      { type: 'BranchCompleted', pointerId: 1 },
      { type: 'StepCompleted', pointerId: 1 },
      { type: 'StepsActivated', pointers: [{ id: 5, stepId: 6, scope: [], predecessorId: 1 }] },
    ]);
  });

  it('with no block matching, the group proceeds at once', () => {
    workflowSpec(grouped).given(historyOf(grouped, classified('medium'))).when(exec(1, { kind: 'enter', matched: [] })).then([
      { type: 'StepStarted', pointerId: 1, attempt: 1 },
      { type: 'StepCompleted', pointerId: 1 },
      { type: 'StepsActivated', pointers: [{ id: 2, stepId: 6, scope: [], predecessorId: 1 }] },
    ]);
  });

  it('a value case matches the recorded outcome, whatever the runtime says', () => {
    workflowSpec(grouped).given(historyOf(grouped, classified('small'))).when(exec(1, { kind: 'enter' })).then([
      { type: 'StepStarted', pointerId: 1, attempt: 1 },
      { type: 'BranchesStarted', pointerId: 1, pointers: [{ id: 2, stepId: 5, scope: [1] }] },
    ]);
  });
});

describe.each(STORES)('when blocks are a group (host, %s)', (store) => {
  let t: TestHost | undefined;
  afterEach(stopAll);
  type Log = { log: string[]; size: number };
  const push = (s: string) => (ctx: { data: Log }) => { ctx.data.log.push(s); };

  it('the step after the group waits for a matched block that sleeps; predicates see the outcome and the data', async () => {
    const wf = workflow<Log>('group-host')
      .startWith((ctx) => Result.outcome(ctx.data.size > 10 ? 'big' : 'small'))
      .when('big').do((b) => b.startWith(push('big')).delay(1000).then(push('big, later')))
      .when((outcome, data) => outcome === 'big' && data.size > 100).do((b) => b.startWith(push('huge')))
      .when('small').do((b) => b.startWith(push('small')))
      .then(push('after'))
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('group-host', { data: { log: [], size: 500 } });
    expect(s.status).toBe('runnable');
    expect([...(s.data as Log).log].sort()).toEqual(['big', 'huge']);
    await t.advance(1000);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect((done.data as Log).log.slice(2)).toEqual(['big, later', 'after']);
    const small = await t.run('group-host', { data: { log: [], size: 1 } });
    expect((small.data as Log).log).toEqual(['small', 'after']);
  });

  it('decide() without an expression runs its predicate branches; a value branch there is a definition error', async () => {
    const wf = workflow<Log>('decide-pred')
      .startWith(push('start'))
      .decide()
      .branch((_, data) => data.size > 1, (b) => b.startWith(push('many')))
      .branch((_, data) => data.size === 0, (b) => b.startWith(push('none')))
      .end()
      .build();
    t = await hostOn(store, [wf]);
    expect(((await t.run('decide-pred', { data: { log: [], size: 3 } })).data as Log).log).toEqual(['start', 'many']);
    let error: unknown;
    try {
      workflow<Log>('decide-bad').startWith(noop).decide().branch(3, (b) => b.startWith(noop));
    } catch (e) {
      error = e;
    }
    expect(isWfeError(error, 'DEFINITION_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/a value branch \(3\) needs decide\(expression\)/);
  });
});
