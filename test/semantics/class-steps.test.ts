import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { Result, type StepContext } from '../../src/domain/step-api.js';
import type { TestHost } from '../../src/testing/index.js';
import { hostOn, stopAll, STORES } from './stores.js';

/** Issue 8, item 1: a class step's return value counts exactly as a function step's. */
type Data = { log: string[]; got?: unknown };

let t: TestHost | undefined;
afterEach(stopAll);

describe.each(STORES)('class steps return what function steps return (%s)', (store) => {
  it('Result.outcome(v) from a class step forks on its outcome', async () => {
    class Classify {
      run() {
        return Result.outcome('big');
      }
    }
    const wf = workflow<Data>('class-outcome')
      .startWith(Classify)
      .when('big', (b) => b.startWith((ctx) => { ctx.data.log.push('big'); }))
      .when('small', (b) => b.startWith((ctx) => { ctx.data.log.push('small'); }))
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('class-outcome', { data: { log: [] } });
    expect(s.status).toBe('complete');
    expect((s.data as Data).log).toEqual(['big']);
    const completed = (await t.host.history(s.instanceId)).find((e) => e.event.type === 'StepCompleted');
    expect(completed?.event).toMatchObject({ pointerId: 0, outcome: 'big' });
  });

  it('Result.sleep from a class step sleeps, then runs it again with its persistence data', async () => {
    const seen: unknown[] = [];
    class Poll {
      run(ctx: StepContext<Data>) {
        seen.push(ctx.persistenceData);
        if (ctx.persistenceData === undefined) return Result.sleep(1000, { polled: 1 });
        ctx.data.log.push('polled');
        return undefined;
      }
    }
    const wf = workflow<Data>('class-sleep').startWith(Poll).build();
    t = await hostOn(store, [wf]);
    const s = await t.run('class-sleep', { data: { log: [] } });
    expect(s.status).toBe('runnable');
    expect(await t.eventTypes(s.instanceId)).toContain('TimerScheduled');
    await t.advance(1000);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(seen).toEqual([undefined, { polled: 1 }]);
    expect(done.data).toEqual({ log: ['polled'] });
  });

  it('Result.waitForEvent from a class step waits for the event, then goes on', async () => {
    class Await {
      run(ctx: StepContext<Data>) {
        if (!ctx.event) return Result.waitForEvent('approved', ctx.instanceId);
        ctx.data.got = ctx.event.data;
        return undefined;
      }
    }
    const wf = workflow<Data>('class-wait').startWith(Await).then((ctx) => { ctx.data.log.push('after'); }).build();
    t = await hostOn(store, [wf]);
    const s = await t.run('class-wait', { data: { log: [] } });
    expect(s.status).toBe('runnable');
    expect(await t.eventTypes(s.instanceId)).toContain('EventAwaited');
    await t.host.publishEvent('approved', s.instanceId, { by: 'ann' });
    await t.host.drain();
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ log: ['after'], got: { by: 'ann' } });
  });

  it('a plain value returned by a class step is the output the mapping receives, as for a function', async () => {
    class Compute {
      field = 'instance field';
      run() {
        return { total: 42 };
      }
    }
    const wf = workflow<Data>('class-value')
      .startWith(Compute)
      .output((d, out) => { d.got = out; })
      .then(() => Result.next({ total: 42 }))
      .output((d, out) => { d.log.push(JSON.stringify(out)); })
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('class-value', { data: { log: [] } });
    expect(s.data).toEqual({ log: ['{"total":42}'], got: { total: 42 } });
  });

  it('a class step that returns no output (nothing, or Result.outcome without one) gives its instance to the mapping', async () => {
    class Tally {
      count = 0;
      run() {
        this.count = 3;
        return Result.outcome('counted');
      }
    }
    const wf = workflow<Data>('class-instance')
      .startWith(Tally)
      .output((d, step: Tally) => { d.got = step.count; })
      .when('counted', (b) => b.startWith((ctx) => { ctx.data.log.push('counted'); }))
      .build();
    t = await hostOn(store, [wf]);
    const s = await t.run('class-instance', { data: { log: [] } });
    expect(s.data).toEqual({ log: ['counted'], got: 3 });
  });
});
