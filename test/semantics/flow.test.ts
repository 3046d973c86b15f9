import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../../src/domain/builder.js';
import { Result } from '../../src/domain/step-api.js';
import { allPointers } from '../../src/domain/state.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type Log = { log: string[]; n?: number; items?: number[]; flag?: boolean };
const push = (s: string) => (ctx: { data: Log }) => { ctx.data.log.push(s); };

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('outcomes', () => {
  it('follows every matching when block: several matches fork, the step after the group runs after them', async () => {
    const wf = workflow<Log>('forks')
      .startWith(() => Result.outcome('x'))
      .when('x', (b) => b.startWith(push('x1')))
      .when('x', (b) => b.startWith(push('x2')))
      .when('y', (b) => b.startWith(push('y')))
      .then(push('always'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('forks', { data: { log: [] } });
    expect(s.status).toBe('complete');
    expect([...(s.data as Log).log].sort()).toEqual(['always', 'x1', 'x2']);
    // the step chained after the when group runs after the matched blocks
    expect((s.data as Log).log.at(-1)).toBe('always');
  });

  it('decide().branch runs every branch whose value or predicate matches', async () => {
    const wf = workflow<Log>('decide')
      .startWith(push('start'))
      .decide(() => 3)
      .branch(3, (b) => b.startWith(push('three')))
      .branch((v) => (v as number) > 2, (b) => b.startWith(push('big')))
      .branch(4, (b) => b.startWith(push('four')))
      .end()
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('decide', { data: { log: [] } });
    expect([...(s.data as Log).log].sort()).toEqual(['big', 'start', 'three']);
  });

  it('id + attach loops back within the scope', async () => {
    const wf = workflow<Log>('goto')
      .startWith((ctx) => { ctx.data.n = (ctx.data.n ?? 0) + 1; })
      .id('inc')
      .then((ctx) => Result.outcome(ctx.data.n! < 3 ? 'again' : 'done'))
      .when('again', (b) => b.startWith(push('loop')).attach('inc'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('goto', { data: { log: [] } });
    expect(s.status).toBe('complete');
    expect((s.data as Log).n).toBe(3);
    expect((s.data as Log).log).toEqual(['loop', 'loop']);
  });
});

describe('containers', () => {
  it('a parallel joins only when every pointer inside, at any depth, has ended', async () => {
    const wf = workflow<Log>('depth')
      .startWith(push('start'))
      .parallel()
      .do((b) => b.startWith(push('a1')).ifDo(() => true, (i) => i.startWith(push('a-if')).whileDo((d) => (d.n ?? 0) < 2, (w) => w.startWith((ctx) => { ctx.data.n = (ctx.data.n ?? 0) + 1; ctx.data.log.push('a-while'); }))))
      .do((b) => b.startWith(push('b1')).delay(5000).then(push('b-after-delay')))
      .join()
      .then(push('joined'))
      .build();
    t = await createTestHost([wf]);
    const s1 = await t.run('depth', { data: { log: [] } });
    expect(s1.status).toBe('runnable');
    expect((s1.data as Log).log).not.toContain('joined');
    await t.advance(5000);
    const s2 = await t.host.getWorkflow(s1.instanceId);
    const log = (s2.data as Log).log;
    expect(s2.status).toBe('complete');
    expect(log[log.length - 1]).toBe('joined');
    expect(log.filter((x) => x === 'a-while')).toHaveLength(2);
  });

  it('ifDo skips its body when false and goes on', async () => {
    const wf = workflow<Log>('if').startWith(push('a')).ifDo(() => false, (b) => b.startWith(push('never'))).then(push('b')).build();
    t = await createTestHost([wf]);
    expect(((await t.run('if', { data: { log: [] } })).data as Log).log).toEqual(['a', 'b']);
  });

  it('forEach runs a branch per item in parallel, sequentially on request, and an empty collection proceeds', async () => {
    const seen = (ctx: { data: Log; item: unknown }) => { ctx.data.log.push(`item ${String(ctx.item)}`); };
    const par = workflow<Log>('par').startWith(push('s')).forEach((d) => d.items ?? [], (b) => b.startWith(seen)).then(push('e')).build();
    const seq = workflow<Log>('seq')
      .startWith(push('s'))
      .forEach((d) => d.items ?? [], (b) => b.startWith(seen).then((ctx) => { ctx.data.log.push(`after ${String(ctx.item)}`); }), { sequential: true })
      .then(push('e'))
      .build();
    t = await createTestHost([par, seq]);
    const p = await t.run('par', { data: { log: [], items: [1, 2, 3] } });
    expect([...(p.data as Log).log].sort()).toEqual(['e', 'item 1', 'item 2', 'item 3', 's']);
    const q = await t.run('seq', { data: { log: [], items: [1, 2] } });
    expect((q.data as Log).log).toEqual(['s', 'item 1', 'after 1', 'item 2', 'after 2', 'e']);
    const empty = await t.run('par', { data: { log: [], items: [] } });
    expect((empty.data as Log).log).toEqual(['s', 'e']);
  });

  it('whileDo re-evaluates its condition after each pass of its body', async () => {
    const wf = workflow<Log>('while').startWith(push('s')).whileDo((d) => (d.n ?? 0) < 3, (b) => b.startWith((ctx) => { ctx.data.n = (ctx.data.n ?? 0) + 1; })).then(push('e')).build();
    t = await createTestHost([wf]);
    const s = await t.run('while', { data: { log: [] } });
    expect((s.data as Log).n).toBe(3);
    expect((s.data as Log).log).toEqual(['s', 'e']);
  });

  it('delay is a due time: nothing runs before it, the step after runs once the clock passes it', async () => {
    const wf = workflow<Log>('delay').startWith(push('a')).delay(60_000).then(push('b')).build();
    t = await createTestHost([wf]);
    const s = await t.run('delay', { data: { log: [] } });
    expect((s.data as Log).log).toEqual(['a']);
    await t.advance(59_000);
    expect(((await t.host.getWorkflow(s.instanceId)).data as Log).log).toEqual(['a']);
    await t.advance(1_000);
    const done = await t.host.getWorkflow(s.instanceId);
    expect(done.status).toBe('complete');
    expect(await t.eventTypes(s.instanceId)).toContain('TimerFired');
  });

  it('schedule runs its body once after the interval while the steps after it go on', async () => {
    const wf = workflow<Log>('schedule').startWith(push('a')).schedule(1000, (b) => b.startWith(push('scheduled'))).then(push('b')).build();
    t = await createTestHost([wf]);
    const s = await t.run('schedule', { data: { log: [] } });
    expect((s.data as Log).log).toEqual(['a', 'b']);
    expect(s.status).toBe('runnable');
    await t.advance(1000);
    const done = await t.host.getWorkflow(s.instanceId);
    expect((done.data as Log).log).toEqual(['a', 'b', 'scheduled']);
    expect(done.status).toBe('complete');
  });

  it('recur runs its body every interval until the condition holds', async () => {
    const wf = workflow<Log>('recur').startWith(push('a')).recur(1000, (d) => (d.n ?? 0) >= 2, (b) => b.startWith((ctx) => { ctx.data.n = (ctx.data.n ?? 0) + 1; })).then(push('b')).build();
    t = await createTestHost([wf]);
    const s = await t.run('recur', { data: { log: [] } });
    for (let i = 0; i < 3; i++) await t.advance(1000);
    const done = await t.host.getWorkflow(s.instanceId);
    expect((done.data as Log).n).toBe(2);
    expect(done.status).toBe('complete');
  });

  it('endWorkflow completes at once, cancelling the rest, with exactly one WorkflowCompleted', async () => {
    const wf = workflow<Log>('end')
      .startWith(push('a'))
      .parallel()
      .do((b) => b.startWith(push('p1')).endWorkflow())
      .do((b) => b.startWith(push('p2')).delay(10_000).then(push('never')))
      .join()
      .then(push('never either'))
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('end', { data: { log: [] } });
    expect(s.status).toBe('complete');
    const types = await t.eventTypes(s.instanceId);
    expect(types.filter((x) => x === 'WorkflowCompleted')).toHaveLength(1);
    await t.advance(20_000);
    expect(((await t.host.getWorkflow(s.instanceId)).data as Log).log).not.toContain('never');
  });

  it('inputs are applied before the body, outputs only when it proceeds; class steps get inputs as fields', async () => {
    class Add {
      a = 0;
      b = 0;
      sum = 0;
      run() {
        this.sum = this.a + this.b;
      }
    }
    const wf = workflow<{ x: number; y: number; total?: number }>('io')
      .startWith(Add)
      .input((d) => ({ a: d.x, b: d.y }))
      .output((d, step: Add) => { d.total = step.sum; })
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('io', { data: { x: 2, y: 5 } });
    expect(s.data).toEqual({ x: 2, y: 5, total: 7 });
  });
});

describe('pointers', () => {
  it('records one pointer per activation with scope and predecessor', async () => {
    const wf = workflow<Log>('ptr').startWith(push('a')).forEach(() => [1, 2], (b) => b.startWith(push('x'))).build();
    t = await createTestHost([wf]);
    const s = await t.run('ptr', { data: { log: [] } });
    const ps = [...allPointers(s)];
    const container = ps.find((p) => p.stepId === 1)!;
    const kids = ps.filter((p) => p.scope[0] === container.id);
    expect(kids).toHaveLength(2);
    expect(kids.map((k) => k.item)).toEqual([1, 2]);
    expect(container.predecessorId).toBe(0);
  });
});
