import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { workflow } from '../../src/domain/builder.js';
import { isWfeError } from '../../src/domain/errors.js';
import { decide } from '../../src/domain/decide.js';
import { EMPTY_STATE } from '../../src/domain/evolve.js';
import { either as E } from 'fp-ts';
import { WorkflowHost } from '../../src/runtime/host.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type D = { log: string[]; v?: number };
const push = (s: string) => (ctx: { data: D }) => { ctx.data.log.push(s); };

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('registration and start', () => {
  it('starts the highest version by default, or the one asked for', async () => {
    t = await createTestHost([
      workflow<D>('v', 1).startWith((c) => { c.data.v = 1; }).build(),
      workflow<D>('v', 2).startWith((c) => { c.data.v = 2; }).build(),
    ]);
    expect((await t.run('v', { data: { log: [] } })).data).toMatchObject({ v: 2 });
    expect((await t.run('v', { version: 1, data: { log: [] } })).data).toMatchObject({ v: 1 });
  });

  it('rejects bad input with typed errors that say what is wrong', async () => {
    t = await createTestHost([workflow<D>('ok').startWith(push('a')).build()]);
    const codeOf = async (f: () => unknown) => {
      try {
        await f();
        return 'no error';
      } catch (e) {
        return isWfeError(e) ? `${e.code}: ${e.message}` : String(e);
      }
    };
    expect(await codeOf(() => t!.host.registerWorkflow(workflow<D>('ok').startWith(push('b')).build()))).toMatch(/^DUPLICATE_DEFINITION: workflow ok@1/);
    expect(await codeOf(() => t!.host.startWorkflow('nope'))).toMatch(/^UNKNOWN_DEFINITION: workflow nope is not registered/);
    expect(await codeOf(() => t!.host.startWorkflow('ok', { version: 7 }))).toMatch(/^UNKNOWN_DEFINITION: workflow ok version 7 .*registered: 1/);
    expect(await codeOf(() => workflow<D>('x').startWith(push('a')).attach('missing').build())).toMatch(/^DEFINITION_INVALID: [\s\S]*attach to unknown step id 'missing'/);
    expect(await codeOf(() => workflow<D>('x').startWith(push('a')).parallel().join().build())).toMatch(/^DEFINITION_INVALID: [\s\S]*needs a body \(at least one branch\)/);
    expect(await codeOf(() => workflow<D>('x').startWith(push('a')).whileDo(() => true, (b) => b as never).build())).toMatch(/^DEFINITION_INVALID: [\s\S]*a branch adds no steps/);
    expect(await codeOf(() => t!.host.startWorkflow('ok', { data: { when: new Date(0) } }))).toMatch(/^NOT_SERIALISABLE: data is not JSON at data\.when \(a Date instance\)/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await codeOf(() => t!.host.startWorkflow('ok', { data: cyclic }))).toMatch(/^NOT_SERIALISABLE: .*a cycle/);
    expect(await codeOf(() => t!.host.getWorkflow('missing-id'))).toMatch(/^UNKNOWN_INSTANCE/);
    expect(await t.host.searchWorkflows({})).toHaveLength(0);
  });

  it('a step that writes data that is not JSON fails with a clear error, and nothing of it is recorded', async () => {
    const wf = workflow<{ when?: unknown; report?: unknown }>('bad-output')
      .startWith((ctx) => {
        ctx.data.report = { ok: 1 };
        ctx.data.when = { at: [1, new Date(0)] };
      }, 'step')
      .onError('suspend')
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('bad-output', { data: {} });
    expect(s.status).toBe('suspended');
    expect(s.data).toEqual({});
    const failed = (await t.host.history(s.instanceId)).find((e) => e.event.type === 'StepFailed');
    expect(failed?.event).toMatchObject({ error: { type: 'NOT_SERIALISABLE', message: 'step step wrote data that is not JSON at $.when.at[1] (a Date instance)' } });
  });

  it('an instance id given by the caller makes start idempotent', async () => {
    t = await createTestHost([workflow<D>('once').startWith(push('a')).build()]);
    const a = await t.host.startWorkflow('once', { instanceId: 'order-42', data: { log: [] } });
    const b = await t.host.startWorkflow('once', { instanceId: 'order-42', data: { log: [] } });
    await t.host.drain();
    expect(a).toBe('order-42');
    expect(b).toBe('order-42');
    expect((await t.host.getWorkflow('order-42')).data).toEqual({ log: ['a'] });
  });
});

describe('control', () => {
  it('suspend only a runnable workflow, resume only a suspended one, terminate stops everything', async () => {
    t = await createTestHost([workflow<D>('ctl').startWith(push('a')).delay(1000).then(push('b')).build()]);
    const s = await t.run('ctl', { data: { log: [] } });
    await t.host.suspendWorkflow(s.instanceId);
    await expect(t.host.suspendWorkflow(s.instanceId)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await t.advance(5000);
    expect((await t.host.getWorkflow(s.instanceId)).data).toEqual({ log: ['a'] });
    await t.host.resumeWorkflow(s.instanceId);
    await expect(t.host.resumeWorkflow(s.instanceId)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await t.host.drain();
    expect((await t.host.getWorkflow(s.instanceId)).status).toBe('complete');

    const u = await t.run('ctl', { data: { log: [] } });
    await t.host.terminateWorkflow(u.instanceId, 'customer cancelled');
    await t.advance(5000);
    const term = await t.host.getWorkflow(u.instanceId);
    expect(term.status).toBe('terminated');
    expect(term.data).toEqual({ log: ['a'] });
    await expect(t.host.terminateWorkflow(u.instanceId)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('stop waits for running steps to finish and be recorded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let started!: () => void;
    const running = new Promise<void>((r) => { started = r; });
    const persistence = createMemoryPersistence();
    const host = new WorkflowHost({ persistence, pollInterval: 10 });
    host.registerWorkflow(workflow<D>('slow').startWith(async (ctx) => { started(); await gate; ctx.data.log.push('slow done'); }).then(push('next')).build());
    await host.start();
    const id = await host.startWorkflow('slow', { data: { log: [] } });
    await running;
    const stopped = host.stop();
    let stopResolved = false;
    void stopped.then(() => { stopResolved = true; });
    await new Promise((r) => setTimeout(r, 30));
    expect(stopResolved).toBe(false);
    release();
    await stopped;
    const events = (await persistence.log.read(id)).map((e) => e.event.type);
    expect(events).toContain('StepCompleted');
    const host2 = new WorkflowHost({ persistence, pollInterval: 10 });
    host2.registerWorkflow(workflow<D>('slow').startWith(push('never re-run')).then(push('next')).build());
    await host2.start();
    const done = await host2.waitForCompletion(id, { timeoutMs: 5000 });
    await host2.stop();
    expect(done.data).toEqual({ log: ['slow done', 'next'] });
  });
});

describe('hooks and middleware', () => {
  it('lifecycle hooks fire after the events are durable; step middleware nests in registration order', async () => {
    const seen: string[] = [];
    const wf = workflow<D>('hooks').startWith(push('a'), 'a').build();
    t = await createTestHost([wf], {
      stepMiddleware: [
        async (_ctx, step, next) => { seen.push(`outer before ${step.name}`); const r = await next(); seen.push('outer after'); return r; },
        async (_ctx, _step, next) => { seen.push('inner before'); const r = await next(); seen.push('inner after'); return r; },
      ],
      workflowMiddleware: [{ pre: (i) => { seen.push(`pre ${i.definitionId}`); }, post: (s) => { seen.push(`post ${s.status}`); } }],
      hooks: { 'workflow:completed': (e) => seen.push(`completed ${e.instanceId}`), 'step:completed': () => seen.push('step completed') },
    });
    const s = await t.run('hooks', { data: { log: [] } });
    expect(seen).toEqual(['pre hooks', 'outer before a', 'inner before', 'inner after', 'outer after', 'step completed', `completed ${s.instanceId}`, 'post complete']);
  });

  it('workflow middleware takes (ctx, next) and nests in registration order, before the start and after the end', async () => {
    const seen: string[] = [];
    const wf = workflow<D>('nest').startWith(push('a'), 'a').build();
    t = await createTestHost([wf], {
      workflowMiddleware: [
        { pre: async (i, next) => { seen.push(`outer pre ${i.definitionId}`); await next(); seen.push('outer pre done'); }, post: async (s, next) => { seen.push(`outer post ${s.status}`); await next(); seen.push('outer post done'); } },
        { pre: async (_i, next) => { seen.push('inner pre'); await next(); seen.push('inner pre done'); }, post: async (_s, next) => { seen.push('inner post'); await next(); seen.push('inner post done'); } },
      ],
    });
    await t.run('nest', { data: { log: [] } });
    expect(seen).toEqual(['outer pre nest', 'inner pre', 'inner pre done', 'outer pre done', 'outer post complete', 'inner post', 'inner post done', 'outer post done']);
  });

  it('a pre-workflow middleware that throws refuses the start; one that does not call next stops the chain', async () => {
    const seen: string[] = [];
    t = await createTestHost([workflow<D>('guarded').startWith(push('a')).build()], {
      workflowMiddleware: [
        { pre: (i) => { if ((i.data as D).v === 13) throw new Error('unlucky'); } },
        { pre: async (_i, _next) => { seen.push('second, no next'); } },
        { pre: () => { seen.push('never'); } },
      ],
    });
    await expect(t.host.startWorkflow('guarded', { data: { log: [], v: 13 } })).rejects.toThrow('unlucky');
    expect(await t.host.searchWorkflows({})).toHaveLength(0);
    await t.run('guarded', { data: { log: [] } });
    expect(seen).toEqual(['second, no next']);
  });

  it('search finds instances by status and definition', async () => {
    t = await createTestHost([workflow<D>('s1').startWith(push('a')).build(), workflow<D>('s2').startWith(push('a')).delay(1000).build()]);
    await t.run('s1', { data: { log: [] } });
    await t.run('s2', { data: { log: [] } });
    await new Promise((r) => setTimeout(r, 20));
    expect((await t.host.searchWorkflows({ status: 'complete' })).map((s) => s.definitionId)).toEqual(['s1']);
    expect((await t.host.searchWorkflows({ definitionId: 's2' })).map((s) => s.status)).toEqual(['runnable']);
  });
});

describe('purge and retention', () => {
  it('purges ended instances older than a date from the log, snapshots, queue and index; keeps the rest', async () => {
    t = await createTestHost([workflow<D>('old').startWith(push('a')).build(), workflow<D>('waits').startWith(push('a')).waitFor('x', 'k').build()]);
    const done = await t.run('old', { data: { log: [] } });
    const waiting = await t.run('waits', { data: { log: [] } });
    await t.advance(10_000);
    const recent = await t.run('old', { data: { log: [] } });
    await new Promise((r) => setTimeout(r, 20));
    const report = await t.host.purge({ before: t.clock.now() - 5_000 });
    expect(report.instances).toEqual([done.instanceId]);
    expect(report.events).toBe(done.version);
    expect(await t.persistence.log.read(done.instanceId)).toEqual([]);
    await expect(t.host.getWorkflow(done.instanceId)).rejects.toMatchObject({ code: 'UNKNOWN_INSTANCE' });
    expect((await t.host.getWorkflow(waiting.instanceId)).status).toBe('runnable');
    expect((await t.host.getWorkflow(recent.instanceId)).status).toBe('complete');
    expect((await t.host.searchWorkflows({})).map((s) => s.instanceId).sort()).toEqual([waiting.instanceId, recent.instanceId].sort());
  });

  it('deletes one instance by id, terminating it first when it is still running', async () => {
    t = await createTestHost([workflow<D>('waits').startWith(push('a')).waitFor('x', 'k').build()]);
    const s = await t.run('waits', { data: { log: [] } });
    const report = await t.host.deleteInstance(s.instanceId);
    expect(report.instances).toEqual([s.instanceId]);
    expect(report.events).toBeGreaterThan(s.version);
    expect(await t.persistence.log.read(s.instanceId)).toEqual([]);
    expect(await t.persistence.events.subscribers('x', 'k')).toEqual([]);
    await expect(t.host.deleteInstance(s.instanceId)).rejects.toMatchObject({ code: 'UNKNOWN_INSTANCE' });
  });
});

describe('recovery', () => {
  it('a host that starts re-queues runnable instances that have no queue entry', async () => {
    const persistence = createMemoryPersistence();
    const wf = workflow<D>('lost').startWith(push('a')).then(push('b')).build();
    // A started instance whose queue entry was lost (a Redis queue without persistence, restarted).
    const started = decide(wf.definition, EMPTY_STATE, { type: 'Start', instanceId: 'orphan', data: { log: [] } }, { now: 1 });
    if (E.isLeft(started)) throw started.left;
    await persistence.log.appendBatch([{ streamId: 'orphan', expectedVersion: 0, events: started.right.events }]);
    await persistence.instances.upsert([
      { instanceId: 'orphan', definitionId: 'lost', definitionVersion: 1, status: 'runnable', createdAt: 1, updatedAt: 1, version: 2, waiting: [], sleeping: [], failedSteps: [], fields: {}, text: '' },
    ]);
    expect(await persistence.queue.nextDueAt()).toBeUndefined();
    const host = new WorkflowHost({ persistence, pollInterval: 10 });
    host.registerWorkflow(wf);
    await host.start();
    const done = await host.waitForCompletion('orphan', { timeoutMs: 5000 });
    await host.stop();
    expect(done.data).toEqual({ log: ['a', 'b'] });
  });
});
