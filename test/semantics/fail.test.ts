import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type Log = { log: string[] };
const push = (s: string) => (ctx: { data: Log }) => { ctx.data.log.push(s); };
const boom = (s: string) => () => { throw new Error(`${s} failed`); };

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe("onError('fail') with onFailure and ensure (pipeline semantics)", () => {
  it('a failing step runs its on-failure block, then its ensure block; the rest is skipped and the workflow fails', async () => {
    const wf = workflow<Log>('pipe')
      .defaultOnError({ type: 'fail' })
      .startWith(push('build'))
      .then(boom('test'))
      .onFailure((b) => b.startWith(push('report failure')))
      .ensure((b) => b.startWith(push('cleanup')))
      .then(push('deploy'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('pipe', { data: { log: [] } });
    expect(s.status).toBe('failed');
    expect((s.data as Log).log).toEqual(['build', 'report failure', 'cleanup']);
    const history = await t.host.history(s.instanceId);
    expect(history.at(-1)?.event).toMatchObject({ type: 'WorkflowFailed', error: { message: 'test failed' } });
  });

  it('ensure runs after success too, and the flow goes on after it', async () => {
    const wf = workflow<Log>('ok').defaultOnError({ type: 'fail' }).startWith(push('work')).ensure((b) => b.startWith(push('cleanup'))).then(push('next')).build();
    t = await createTestHost([wf]);
    const s = await t.run('ok', { data: { log: [] } });
    expect(s.status).toBe('complete');
    expect((s.data as Log).log).toEqual(['work', 'cleanup', 'next']);
  });

  it('a failure inside a parallel cancels what waits or sleeps beside it, fails the container with its own handlers, then the workflow', async () => {
    const wf = workflow<Log>('par')
      .defaultOnError({ type: 'fail' })
      .parallel('tests')
      .do((b) => b.startWith(boom('unit')))
      .do((b) => b.delay(1000).then(push('integration finished')))
      .do((b) => b.waitFor('approval', 'k').then(push('approved')))
      .join()
      .onFailure((b) => b.startWith(push('tests failed handler')))
      .ensure((b) => b.startWith(push('tests ensure')))
      .then(push('package'))
      .build();
    t = await createTestHost([wf]);
    const done = await t.run('par', { data: { log: [] } });
    expect(done.status).toBe('failed');
    expect((done.data as Log).log).toEqual(['tests failed handler', 'tests ensure']);
    const cancelled = (await t.host.history(done.instanceId)).find((e) => e.event.type === 'StepCancelled');
    expect(cancelled?.event).toMatchObject({ reason: 'the workflow is failing' });
  });
});

describe('retries in a pipeline', () => {
  it("when retries run out in a workflow whose default is 'fail', the step's handlers run and the workflow fails", async () => {
    let calls = 0;
    const wf = workflow<Log>('retry-pipe')
      .defaultOnError({ type: 'fail' })
      .startWith(() => { calls++; throw new Error('upload failed'); })
      .onError('retry', { interval: 10, maxRetries: 2 })
      .onFailure((b) => b.startWith(push('rollback')))
      .then(push('never'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('retry-pipe', { data: { log: [] } });
    await t.advance(10);
    await t.advance(10);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(calls).toBe(3);
    expect(done.status).toBe('failed');
    expect((done.data as Log).log).toEqual(['rollback']);
  });
});
