import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import type { Command } from '../../src/domain/commands.js';
import { historyOf, workflowSpec, type TestHost } from '../../src/testing/index.js';
import { hostOn, stopAll, STORES } from './stores.js';

/**
 * Issue 8, item 5: the functions given to delay, waitFor, schedule, recur, forEach (items and
 * sequential), activity and runIf receive `(data, ctx)`, in their types as at run time.
 */
type D = { log: string[]; wait: number; items: number[]; oneByOne: boolean; key: string; n: number };
const start = (over: Partial<D> = {}): D => ({ log: [], wait: 1000, items: [1, 2], oneByOne: false, key: 'k', n: 0, ...over });

let t: TestHost | undefined;
afterEach(stopAll);

describe.each(STORES)('parameter functions get (data, ctx) (%s)', (store) => {
  it('delay, schedule, recur and runIf read the data and the context', async () => {
    const seen: string[] = [];
    const wf = workflow<D>('params-timers')
      .startWith((ctx) => { ctx.data.log.push('a'); })
      .delay((data, ctx) => { seen.push(`delay ${ctx.instanceId} step ${ctx.step.name}`); return data.wait; })
      .schedule((data, ctx) => { seen.push(`schedule ${ctx.step.name}`); return data.wait * 2; }, (b) => b.startWith((ctx) => { ctx.data.log.push('scheduled'); }))
      .recur((data) => data.wait, (data, ctx) => { seen.push(`until ${ctx.pointerId >= 0}`); return data.n >= 1; }, (b) => b.startWith((ctx) => { ctx.data.n += 1; }))
      .then((ctx) => { ctx.data.log.push('skipped?'); })
      .runIf((data, ctx) => data.n > 100 && ctx.attempt === 1)
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('params-timers', { data: start() });
    expect(seen).toEqual([`delay ${s.instanceId} step delay`]);
    await t.advance(1000);
    await t.advance(1000);
    await t.advance(1000);
    await t.advance(1000);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(seen).toContain('schedule schedule');
    expect(seen).toContain('until true');
    expect((done.data as D).log).toEqual(['a', 'scheduled']);
  });

  it('waitFor takes its name, key and effective date from the data and the context', async () => {
    const wf = workflow<D>('params-wait')
      .waitFor((data, ctx) => `approved-${ctx.definitionId}`, (data, ctx) => `${data.key}-${ctx.instanceId}`, (data, ctx) => ctx.now + data.wait)
      .output((d, out: { eventData: string }) => { d.log.push(out.eventData); })
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('params-wait', { data: start({ key: 'order' }) });
    const awaited = (await t.host.history(s.instanceId)).find((e) => e.event.type === 'EventAwaited')?.event;
    expect(awaited).toMatchObject({ eventName: 'approved-params-wait', eventKey: `order-${s.instanceId}`, asOf: t.clock.now() + 1000 });
    await t.host.publishEvent('approved-params-wait', `order-${s.instanceId}`, 'too early', t.clock.now());
    await t.host.publishEvent('approved-params-wait', `order-${s.instanceId}`, 'in time', t.clock.now() + 1000);
    await t.host.drain();
    expect((await t.host.getWorkflow(s.instanceId)).data).toMatchObject({ log: ['in time'] });
  });

  it('forEach decides from the data at run time whether to run its items one after another', async () => {
    const wf = workflow<D>('params-foreach')
      .forEach((data, ctx) => data.items.map((i) => i * (ctx.attempt)), (b) => b.startWith((ctx) => { ctx.data.log.push(`start ${String(ctx.item)}`); }).delay(10).then((ctx) => { ctx.data.log.push(`end ${String(ctx.item)}`); }), {
        sequential: (data, ctx) => data.oneByOne && ctx.step.name === 'forEach',
      })
      .build();
    t = await hostOn(store, [wf]);
    const seq = await t.run('params-foreach', { data: start({ oneByOne: true }) });
    expect((seq.data as D).log).toEqual(['start 1']);
    await t.advance(10);
    await t.advance(10);
    expect(((await t.host.getWorkflow(seq.instanceId)).data as D).log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    const par = await t.run('params-foreach', { data: start({ oneByOne: false }) });
    expect((par.data as D).log).toEqual(['start 1', 'start 2']);
  });
});

describe('forEach with the order decided at run time (decide)', () => {
  const wf = workflow<D>('each').forEach((d) => d.items, (b) => b.startWith(() => undefined, 'item'), { sequential: (d) => d.oneByOne }).build();
  const started: Command[] = [{ type: 'Start', instanceId: 'i', data: start() }];
  const exec = (execution: Extract<Command, { type: 'Execute' }>['execution']): Command => ({ type: 'Execute', pointerId: 0, attempt: 1, startedAt: 0, execution });

  it('sequential: one branch, the collection recorded once on the loop', () => {
    workflowSpec(wf).given(historyOf(wf, started)).when(exec({ kind: 'collection', items: [1, 2], sequential: true })).then([
      { type: 'StepStarted', pointerId: 0, attempt: 1 },
      { type: 'BranchesStarted', pointerId: 0, persistenceData: { items: [1, 2], index: 0 }, pointers: [{ id: 1, stepId: 1, scope: [0], hasItem: true, item: 1 }] },
    ]);
  });

  it('parallel: a branch per item', () => {
    workflowSpec(wf).given(historyOf(wf, started)).when(exec({ kind: 'collection', items: [1, 2], sequential: false })).then([
      { type: 'StepStarted', pointerId: 0, attempt: 1 },
      { type: 'BranchesStarted', pointerId: 0, pointers: [{ id: 1, stepId: 1, scope: [0], hasItem: true, item: 1 }, { id: 2, stepId: 1, scope: [0], hasItem: true, item: 2 }] },
    ]);
  });
});
