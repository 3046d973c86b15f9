import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type Log = { log: string[]; fails?: number; attempts?: number };
const push = (s: string) => (ctx: { data: Log }) => { ctx.data.log.push(s); };
const boom = (s: string) => (ctx: { data: Log }) => {
  ctx.data.log.push(`${s} (discarded: a failed step's changes are dropped)`);
  throw new Error(`${s} failed`);
};

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('retry', () => {
  it('retries after the interval with backoff, then succeeds; each attempt has its own idempotency key', async () => {
    const keys: string[] = [];
    let calls = 0;
    const wf = workflow<Log>('retry')
      .startWith((ctx) => {
        keys.push(ctx.idempotencyKey);
        if (++calls < 3) throw new Error('flaky');
        ctx.data.log.push('ok');
      })
      .onError('retry', { interval: 1000, backoff: 2, maxRetries: 5 })
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('retry', { data: { log: [] } });
    expect(s.status).toBe('runnable');
    await t.advance(999);
    expect(calls).toBe(1);
    await t.advance(1);
    expect(calls).toBe(2);
    await t.advance(1999);
    expect(calls).toBe(2);
    await t.advance(1);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ log: ['ok'] });
    expect(keys).toEqual([`${s.instanceId}:0:1`, `${s.instanceId}:0:2`, `${s.instanceId}:0:3`]);
    expect((await t.eventTypes(s.instanceId)).filter((x) => x === 'StepRetryScheduled')).toHaveLength(2);
  });

  it('suspends the workflow when retries run out; resume runs the step again', async () => {
    let calls = 0;
    let heal = false;
    const wf = workflow<Log>('exhaust')
      .startWith((ctx) => {
        calls++;
        if (!heal) throw new Error('down');
        ctx.data.log.push('healed');
      })
      .onError('retry', { interval: 10, maxRetries: 2 })
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('exhaust', { data: { log: [] } });
    await t.advance(10);
    await t.advance(10);
    const suspended = await t.host.getWorkflow(s.instanceId);
    expect(suspended.status).toBe('suspended');
    expect(calls).toBe(3);
    expect(suspended.suspendReason).toMatch(/failed 3 times/);
    heal = true;
    await t.host.resumeWorkflow(s.instanceId);
    await t.host.drain();
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ log: ['healed'] });
  });

  it('suspend and terminate behaviours', async () => {
    const susp = workflow<Log>('susp').startWith(boom('a')).onError('suspend').then(push('b')).build();
    const term = workflow<Log>('term').startWith(boom('a')).onError('terminate').then(push('b')).build();
    t = await createTestHost([susp, term]);
    const s = await t.run('susp', { data: { log: [] } });
    expect(s.status).toBe('suspended');
    const r = await t.run('term', { data: { log: [] } });
    expect(r.status).toBe('terminated');
    expect(r.data).toEqual({ log: [] });
  });

  it('the workflow default applies to steps that say nothing', async () => {
    const wf = workflow<Log>('default').defaultOnError({ type: 'terminate' }).start().then(boom('x')).build();
    t = await createTestHost([wf]);
    expect((await t.run('default', { data: { log: [] } })).status).toBe('terminated');
  });

  it('reports each failure as StepFailed with type and message, and to the step:failed hook', async () => {
    const errors: string[] = [];
    const wf = workflow<Log>('hook').startWith(boom('x')).onError('suspend').build();
    t = await createTestHost([wf]);
    t.host.on('step:failed', (e) => errors.push(`${e.error.type}: ${e.error.message}`));
    const s = await t.run('hook', { data: { log: [] } });
    const failed = (await t.host.history(s.instanceId)).find((e) => e.event.type === 'StepFailed');
    expect(failed?.event).toMatchObject({ type: 'StepFailed', error: { type: 'Error', message: 'x failed' } });
    expect(errors).toEqual(['Error: x failed']);
  });
});

describe('compensation', () => {
  it('a saga compensates the completed steps most recent first, then its own compensation, and resumes after it', async () => {
    const wf = workflow<Log>('saga')
      .startWith(push('begin'))
      .saga((s) =>
        s.startWith(push('s1')).compensateWith(push('undo s1'))
          .then(push('s2')).compensateWith(push('undo s2'))
          .then(push('s3 no comp'))
          .then(boom('s4')).compensateWith(push('undo s4')),
      )
      .compensateWith(push('undo saga'))
      .then(push('after saga'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('saga', { data: { log: [] } });
    expect(s.status).toBe('complete');
    expect((s.data as Log).log).toEqual(['begin', 's1', 's2', 's3 no comp', 'undo s4', 'undo s2', 'undo s1', 'undo saga', 'after saga']);
    const types = await t.eventTypes(s.instanceId);
    expect(types).toContain('CompensationStarted');
    expect(types.filter((x) => x === 'StepCompensated')).toHaveLength(4);
  });

  it('compensates steps completed at any depth inside the saga, and cancels what still runs there', async () => {
    const wf = workflow<Log>('deep')
      .saga((s) =>
        s.startWith(push('a')).compensateWith(push('undo a'))
          .parallel()
          .do((b) => b.startWith(push('b')).compensateWith(push('undo b')))
          .do((b) => b.startWith(push('c')).compensateWith(push('undo c')))
          .join()
          .parallel()
          .do((b) => b.startWith(boom('d')))
          .do((b) => b.delay(60_000).then(push('late')))
          .join(),
      )
      .compensateWith(push('undo saga'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('deep', { data: { log: [] } });
    const log = (s.data as Log).log;
    expect(s.status).toBe('complete');
    expect(log.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(log.slice(3)).toEqual(['undo c', 'undo b', 'undo a', 'undo saga']);
    await t.advance(60_000);
    expect(((await t.host.getWorkflow(s.instanceId)).data as Log).log).not.toContain('late');
  });

  it('a saga with onError(retry) compensates, then runs its whole body again', async () => {
    let tries = 0;
    const wf = workflow<Log>('saga-retry')
      .saga((s) =>
        s.startWith(push('book')).compensateWith(push('cancel booking'))
          .then((ctx) => {
            if (++tries < 2) throw new Error('payment declined');
            ctx.data.log.push('pay');
          }),
      )
      .onError('retry', { interval: 500, maxRetries: 3 })
      .then(push('done'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('saga-retry', { data: { log: [] } });
    expect((s.data as Log).log).toEqual(['book', 'cancel booking']);
    await t.advance(500);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect((done.data as Log).log).toEqual(['book', 'cancel booking', 'book', 'pay', 'done']);
  });

  it('a saga without its own compensation ends failed and the flow stops there', async () => {
    const wf = workflow<Log>('saga-fail')
      .saga((s) => s.startWith(push('a')).compensateWith(push('undo a')).then(boom('b')))
      .then(push('never'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('saga-fail', { data: { log: [] } });
    expect(s.status).toBe('failed');
    expect((s.data as Log).log).toEqual(['a', 'undo a']);
    expect((await t.eventTypes(s.instanceId)).at(-1)).toBe('WorkflowFailed');
  });

  it('a top-level step with a compensation runs it and the flow resumes after the step', async () => {
    const wf = workflow<Log>('top').startWith(boom('charge')).compensateWith(push('refund')).then(push('next')).build();
    t = await createTestHost([wf]);
    const s = await t.run('top', { data: { log: [] } });
    expect(s.status).toBe('complete');
    expect((s.data as Log).log).toEqual(['refund', 'next']);
  });

  it('compensateWithSequence runs a sequence of undo steps in order', async () => {
    const wf = workflow<Log>('seq-comp')
      .saga((s) => s.startWith(push('a')).compensateWithSequence((c) => c.startWith(push('undo a 1')).then(push('undo a 2'))).then(boom('b')))
      .compensateWith(push('undo saga'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('seq-comp', { data: { log: [] } });
    expect((s.data as Log).log).toEqual(['a', 'undo a 1', 'undo a 2', 'undo saga']);
  });
});
