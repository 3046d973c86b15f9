import { afterEach, describe, expect, it } from 'vitest';
import { workflow } from '../domain/builder.js';
import { isWfeError } from '../domain/errors.js';
import { createTestHost, type TestHost } from '../testing/test-host.js';
import { createInspector } from './create-inspector.js';

type Order = { amount: number; charged?: number; shipped?: boolean };

const order = workflow<Order>('order')
  .defaultOnError({ type: 'fail' })
  .startWith(() => undefined, 'validate')
  .then((ctx) => {
    if (ctx.data.amount > 100) throw new Error(`declined: ${ctx.data.amount} is over the limit`);
    ctx.data.charged = ctx.data.amount;
  }, 'charge')
  .then((ctx) => {
    ctx.data.shipped = true;
  }, 'ship')
  .build();

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return isWfeError(e) ? `${e.code}: ${e.message}` : String(e);
  }
};

describe('createInspector: a failed run, from history to a fork', () => {
  it('history, stateAt, diff, explain, graph and verify of a failed run; a fork with corrected data completes', async () => {
    t = await createTestHost([order]);
    const failed = await t.run('order', { data: { amount: 500 } });
    expect(failed.status).toBe('failed');
    const id = failed.instanceId;
    const inspector = createInspector(t.persistence, { actor: 'alice', newId: () => 'fork-1', clock: () => t!.clock.now() });

    const history = await inspector.history(id);
    expect(history.map((h) => h.version)).toEqual(history.map((_, i) => i + 1));
    expect(history[0]).toMatchObject({ type: 'WorkflowStarted', kind: 'lifecycle', actor: t.host.hostId });
    const failure = history.find((h) => h.type === 'StepFailed')!;
    expect(failure).toMatchObject({ step: 'charge', kind: 'step' });
    expect(failure.summary).toBe('StepFailed charge: Error: declined: 500 is over the limit');

    const first = await inspector.stateAt(id, 1);
    expect(first).toMatchObject({ version: 1, status: 'runnable', data: { amount: 500 }, pointers: [] });
    const head = await inspector.stateAt(id);
    expect(head.version).toBe(history.length);
    expect(head.status).toBe('failed');
    expect(head.pointers.find((p) => p.step === 'charge')).toMatchObject({ status: 'failed', error: { message: 'declined: 500 is over the limit' } });
    expect(await code(inspector.stateAt(id, history.length + 1))).toBe(`INVALID_ARGUMENT: instance ${id} has versions 1..${history.length}: version ${history.length + 1} is beyond the end`);
    expect(await code(inspector.stateAt(id, 0))).toBe(`INVALID_ARGUMENT: instance ${id} has versions 1..${history.length}: version 0 is below 1`);
    expect(await code(inspector.stateAt('nobody'))).toBe('UNKNOWN_INSTANCE: no workflow instance nobody');

    const diff = await inspector.diff(id, 1, history.length);
    expect(diff.status).toEqual({ from: 'runnable', to: 'failed' });
    expect(diff.pointers.map((p) => `${p.step}:${p.before ?? '-'}->${p.after}`)).toEqual(['validate:-->complete', 'charge:-->failed']);
    const fromNothing = await inspector.diff(id, 0, 1);
    expect(fromNothing.data).toEqual([{ path: '$', after: { amount: 500 } }]);

    const why = await inspector.explain(id);
    expect(why.status).toBe('failed');
    expect(why.failure).toMatchObject({ step: 'charge', attempts: 1, error: { type: 'Error', message: 'declined: 500 is over the limit' } });
    expect(why.text).toContain(`wfe fork ${id} --at ${why.failure!.forkAt}`);
    expect((await inspector.stateAt(id, why.failure!.forkAt)).pointers.find((p) => p.step === 'charge')?.status).toBe('pending');

    const graph = await inspector.graph(id);
    expect(graph.nodes.map((n) => `${n.name}:${n.status}`)).toEqual(['validate:complete', 'charge:failed', 'ship:not reached']);
    expect(graph.edges).toContainEqual({ from: 0, to: 1, kind: 'next' });

    const verified = await inspector.verify(id);
    expect(verified).toMatchObject({ instanceId: id, ok: true, events: history.length });
    expect(verified.limits.join('\n')).toMatch(/no public key.*\n.*no anchor/);

    // A fork from before the failed step, with the amount corrected, runs live on the host.
    const forked = await inspector.fork(id, { atVersion: why.failure!.forkAt, patch: [{ path: 'amount', value: 50 }], reason: 'amount corrected' });
    expect(forked.instanceId).toBe('fork-1');
    const done = await t.host.waitForCompletion('fork-1', { timeoutMs: 5000 });
    expect(done.status).toBe('complete');
    expect(done.data).toEqual({ amount: 50, charged: 50, shipped: true });
    expect(done.forkedFrom).toEqual({ instanceId: id, version: why.failure!.forkAt });
    const forkHistory = await inspector.history('fork-1');
    expect(forkHistory.find((h) => h.type === 'ForkedFrom')).toMatchObject({ actor: 'alice', reason: 'amount corrected', kind: 'fork' });
    expect(forkHistory.find((h) => h.type === 'DataChanged')?.event).toMatchObject({ patches: [{ op: 'replace', path: ['amount'], value: 50 }] });

    // Nothing forked half-way: an unknown instance, a version past the end, or the failed head.
    expect(await code(inspector.fork('nobody', { atVersion: 1 }))).toBe('UNKNOWN_INSTANCE: no workflow instance nobody');
    expect(await code(inspector.fork(id, { atVersion: 999 }))).toMatch(/^INVALID_ARGUMENT: .*version 999 is beyond the end/);
    expect(await code(inspector.fork(id, { atVersion: history.length }))).toMatch(new RegExp(`^INVALID_STATE: instance ${id} is failed at version ${history.length}`));
    expect((await inspector.list()).map((r) => r.instanceId).sort()).toEqual(['fork-1', id]);
    await inspector.close();
  });

  it('whatIf stops before the first new side effect, or runs through stubs, and writes nothing', async () => {
    t = await createTestHost([order]);
    const failed = await t.run('order', { data: { amount: 500 } });
    const inspector = createInspector(t.persistence, { clock: () => t!.clock.now() });
    const { failure } = await inspector.explain(failed.instanceId);
    const stopped = await inspector.whatIf(failed.instanceId, { atVersion: failure!.forkAt, patch: [{ path: 'amount', value: 50 }] });
    expect(stopped.stoppedBecause).toBe('it would run step charge (task): a new side effect; give a stub to go further');
    expect(stopped.state.status).toBe('runnable');

    const stubbed = await inspector.whatIf(failed.instanceId, {
      atVersion: failure!.forkAt,
      patch: [{ path: 'amount', value: 50 }],
      stubs: { charge: { set: [{ path: 'charged', value: 50 }] }, ship: { set: [{ path: 'shipped', value: true }] } },
    });
    expect(stubbed.stoppedBecause).toBe('it ended: complete');
    expect(stubbed.diff.status).toEqual({ from: 'failed', to: 'complete' });
    expect(stubbed.diff.data).toEqual([
      { path: '$.amount', before: 500, after: 50 },
      { path: '$.charged', after: 50 },
      { path: '$.shipped', after: true },
    ]);
    expect(stubbed.history.at(-1)?.type).toBe('WorkflowCompleted');
    expect((await inspector.list()).map((r) => r.instanceId)).toEqual([failed.instanceId]);
  });

  it('watch tells of instances that got events; ids resolve from an unambiguous prefix', async () => {
    t = await createTestHost([order]);
    const inspector = createInspector(t.persistence, { pollIntervalMs: 10 });
    const seen: string[] = [];
    const stop = inspector.watch((c) => seen.push(`${c.instanceId}@${c.version}`));
    await new Promise((r) => setTimeout(r, 30));
    const s = await t.run('order', { data: { amount: 5 } });
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(seen.at(-1)).toBe(`${s.instanceId}@${s.version}`);
    expect(await inspector.resolveId(s.instanceId.slice(0, 4))).toBe(s.instanceId);
    await t.run('order', { data: { amount: 6 } });
    expect(await code(inspector.resolveId('wf-'))).toMatch(/^INVALID_ARGUMENT: wf- is ambiguous: wf-1, wf-2/);
    expect(await code(inspector.resolveId('zz'))).toBe('UNKNOWN_INSTANCE: no workflow instance zz (nor one whose id starts with it)');
    expect(await inspector.counts()).toEqual([{ definitionId: 'order', status: 'complete', count: 2 }]);
  });
});
