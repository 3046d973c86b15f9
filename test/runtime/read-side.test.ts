import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { workflow } from '../../src/domain/builder.js';
import { isWfeError } from '../../src/domain/errors.js';
import type { WorkflowEvent } from '../../src/domain/events.js';
import type { Persistence } from '../../src/ports/persistence.js';
import type { Projection } from '../../src/projections/projection.js';
import { catchUp } from '../../src/projections/runner.js';
import { memorySink } from '../../src/projections/sinks.js';
import type { StepRows } from '../../src/projections/step-rows.js';
import type { Counters } from '../../src/projections/counters.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { SimulatedClock, sequentialIds } from '../../src/testing/simulated-clock.js';
import { createTestHost, type TestHost } from '../../src/testing/test-host.js';

type D = { n: number; stop?: boolean; label?: string };

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const errorOf = async (f: () => unknown) => {
  try {
    await f();
    return 'no error';
  } catch (e) {
    return isWfeError(e) ? `${e.code}: ${e.message}` : String(e);
  }
};

describe('the host before start', () => {
  it('getWorkflow, startWorkflow and search throw a typed HOST_STOPPED error', async () => {
    const host = new WorkflowHost({ persistence: createMemoryPersistence() });
    expect(await errorOf(() => host.getWorkflow('x'))).toMatch(/^HOST_STOPPED: the host is not started/);
    expect(await errorOf(() => host.startWorkflow('x'))).toMatch(/^HOST_STOPPED/);
    expect(await errorOf(() => host.search({}))).toMatch(/^HOST_STOPPED/);
  });
});

describe('cancel conditions are user code', () => {
  it('a cancel condition that throws fails its step like any other user code', async () => {
    const wf = workflow<D>('cc-throws')
      .startWith((ctx) => { ctx.data.n = 1; })
      .waitFor('never', 'k')
      .cancelCondition((d) => {
        if (d.n === 1) throw new Error('no field stop');
        return false;
      })
      .onError('suspend')
      .build();
    t = await createTestHost([wf]);
    const s = await t.run('cc-throws', { data: { n: 0 } });
    expect(s.status).toBe('suspended');
    const failed = (await t.host.history(s.instanceId)).map((e) => e.event).find((e): e is Extract<WorkflowEvent, { type: 'StepFailed' }> => e.type === 'StepFailed');
    expect(failed?.error.message).toMatch(/cancel condition of .* threw: no field stop/);
  });
});

describe('snapshots', () => {
  it('a snapshot that does not match the chain is refused with a warning, and the state is folded from the log', async () => {
    const clock = new SimulatedClock();
    const persistence = createMemoryPersistence({ clock: () => clock.now() });
    const wf = workflow<D>('snap').startWith((ctx) => { ctx.data.n += 1; }).then((ctx) => { ctx.data.n += 1; }).waitFor('go', 'k').build();
    t = await createTestHost([wf], { clock, persistence, snapshotEvery: 2 });
    const s = await t.run('snap', { data: { n: 0 } });
    const snap = await persistence.snapshots.load(s.instanceId);
    expect(snap?.hash).toBe((await persistence.log.read(s.instanceId, snap!.version, snap!.version))[0]!.hash);
    await t.stop();
    // A snapshot whose data was edited and whose hash does not match the log at its version.
    await persistence.snapshots.delete([s.instanceId]);
    await persistence.snapshots.save({ ...snap!, hash: 'f'.repeat(64), state: { ...(snap!.state as object), data: { n: 1000 } } });
    const host2 = await createTestHost([wf], { clock, persistence, snapshotEvery: 1000 });
    t = host2;
    const refused: string[] = [];
    host2.host.on('snapshot:refused', (r) => refused.push(r.reason));
    const loaded = await host2.host.getWorkflow(s.instanceId);
    expect(loaded.data).toEqual({ n: 2 });
    expect(refused.length).toBeGreaterThan(0);
    for (const reason of refused) expect(reason).toMatch(/^the snapshot covers hash ffffffffffff…, the log has [0-9a-f]{12}… at version \d+$/);
  });

  it('projections verify snapshots: an edited state is reported, rebuild removes it', async () => {
    const clock = new SimulatedClock();
    const persistence = createMemoryPersistence({ clock: () => clock.now() });
    const wf = workflow<D>('snap2').startWith((ctx) => { ctx.data.n += 1; }).waitFor('go', 'k').build();
    t = await createTestHost([wf], { clock, persistence, snapshotEvery: 1 });
    const s = await t.run('snap2', { data: { n: 0 } });
    const admin = await t.host.projections();
    expect((await admin.verify('snapshots')).drifted).toEqual([]);
    const snap = (await persistence.snapshots.load(s.instanceId))!;
    await persistence.snapshots.delete([s.instanceId]);
    await persistence.snapshots.save({ ...snap, state: { ...(snap.state as object), data: { n: 1000 } } });
    const report = await admin.verify('snapshots');
    expect(report.drifted).toEqual([{ key: s.instanceId, kind: 'different', stored: { version: snap.version, problem: 'its state differs from the fold of the log' } }]);
    await admin.rebuild('snapshots');
    expect(await persistence.snapshots.load(s.instanceId)).toBeUndefined();
    expect((await admin.verify('snapshots')).drifted).toEqual([]);
  });
});

describe('stored definitions', () => {
  it('each registered definition is stored with its hash, and WorkflowStarted records the hash', async () => {
    const clock = new SimulatedClock();
    const persistence = createMemoryPersistence({ clock: () => clock.now() });
    const wf = workflow<D>('stored', 3).startWith((ctx) => { ctx.data.n = 1; }, 'first step').build();
    t = await createTestHost([wf], { clock, persistence });
    const s = await t.run('stored', { data: { n: 0 } });
    const stored = await persistence.definitions.get('stored', 3);
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((stored?.definition as { steps: { name: string }[] }).steps[0]?.name).toBe('first step');
    const [started] = await persistence.log.read(s.instanceId, 1, 1);
    expect(started?.event).toMatchObject({ type: 'WorkflowStarted', definitionHash: stored?.hash });
    expect((await persistence.instances.get(s.instanceId))?.definitionHash).toBe(stored?.hash);
  });

  it('a registration whose id and version are stored with other content is a clear error at start', async () => {
    const clock = new SimulatedClock();
    const persistence = createMemoryPersistence({ clock: () => clock.now() });
    t = await createTestHost([workflow<D>('changed', 1).startWith((ctx) => { ctx.data.n = 1; }, 'a').build()], { clock, persistence });
    await t.stop();
    t = undefined;
    const host = new WorkflowHost({ persistence, clock });
    host.registerWorkflow(workflow<D>('changed', 1).startWith((ctx) => { ctx.data.n = 1; }, 'renamed').build());
    expect(await errorOf(() => host.start())).toMatch(/^DEFINITION_CONFLICT: .*changed.*1/);
  });
});

describe('the instance index', () => {
  it('has one writer and carries status, waits, failed steps, data fields and text', async () => {
    const wf = workflow<D>('idx').startWith((ctx) => { ctx.data.label = 'blue whale'; }, 'label').waitFor('approve', (d) => `k-${d.n}`).build();
    t = await createTestHost([wf]);
    const s = await t.run('idx', { data: { n: 7 }, reference: 'order 42' });
    const row = await t.persistence.instances.get(s.instanceId);
    expect(row).toMatchObject({ status: 'runnable', version: s.version, reference: 'order 42', waiting: [{ eventName: 'approve', eventKey: 'k-7' }], fields: { n: 7, label: 'blue whale' } });
    expect(row?.text).toContain('whale');
    expect((await t.host.search({ text: 'whale' })).items.map((r) => r.instanceId)).toEqual([s.instanceId]);
    expect((await t.host.search({ waitingFor: 'approve', where: [{ field: 'n', op: 'gte', value: 7 }] })).items).toHaveLength(1);
    expect((await t.host.search({ where: [{ field: 'n', op: 'gt', value: 7 }] })).items).toHaveLength(0);
  });

  it('a malformed search query is a clear error naming the bad part', async () => {
    t = await createTestHost([]);
    expect(await errorOf(() => t!.host.search({ status: 'sleeping' as never }))).toMatch(/^INVALID_QUERY: .*status.*sleeping/);
    expect(await errorOf(() => t!.host.search({ limit: 0 }))).toMatch(/^INVALID_QUERY: .*limit/);
    expect(await errorOf(() => t!.host.search({ cursor: 'not a cursor' }))).toMatch(/^INVALID_QUERY: .*cursor/);
  });

  it('verify reports a hand-edited and a deleted row; rebuild repairs both', async () => {
    const wf = workflow<D>('drift').startWith((ctx) => { ctx.data.n += 1; }).build();
    t = await createTestHost([wf]);
    const a = await t.run('drift', { data: { n: 0 } });
    const b = await t.run('drift', { data: { n: 0 } });
    const admin = await t.host.projections();
    expect((await admin.verify('instances')).drifted).toEqual([]);
    const row = (await t.persistence.instances.get(a.instanceId))!;
    await t.persistence.instances.remove([a.instanceId]);
    await t.persistence.instances.upsert([{ ...row, status: 'failed', version: row.version + 5 }]);
    await t.persistence.instances.remove([b.instanceId]);
    const report = await admin.verify('instances');
    expect(report.drifted.map((d) => [d.key, d.kind]).sort()).toEqual([[a.instanceId, 'different'], [b.instanceId, 'missing']].sort());
    await admin.rebuild('instances');
    expect((await admin.verify('instances')).drifted).toEqual([]);
    expect((await t.persistence.instances.get(a.instanceId))?.status).toBe('complete');
  });
});

describe('async projections', () => {
  it('step rows and counters follow the log', async () => {
    const wf = workflow<D>('rows')
      .startWith((ctx) => { ctx.data.n += 1; }, 'one')
      .then(() => { throw new Error('boom'); }, 'two')
      .onError('suspend')
      .build();
    t = await createTestHost([wf], { asyncProjections: true });
    const s = await t.run('rows', { data: { n: 0 } });
    await t.run('rows', { data: { n: 0 } });
    await t.host.projectionsCaughtUp();
    const rows = (await t.persistence.projections.get('step-rows', s.instanceId)) as unknown as StepRows;
    expect(rows.status).toBe('suspended');
    expect(rows.rows.map((r) => [r.name, r.status, r.attempts])).toEqual([['one', 'complete', 1], ['two', 'failed', 1]]);
    expect(rows.rows[1]?.error).toBe('Error: boom');
    const counters = (await t.persistence.projections.get('counters', 'rows')) as unknown as Counters;
    expect(counters).toEqual({ definitionId: 'rows', byStatus: { suspended: 2 }, stepFailures: { two: 2 } });
    const admin = await t.host.projections();
    for (const name of ['step-rows', 'counters']) expect((await admin.verify(name)).drifted).toEqual([]);
  });

  it('a projection that throws stops alone, names the projection, stream and version, and resumes from its checkpoint once fixed', async () => {
    const clock = new SimulatedClock();
    const persistence: Persistence = createMemoryPersistence({ clock: () => clock.now() });
    const wf = workflow<D>('p').startWith((ctx) => { ctx.data.n += 1; }).build();
    t = await createTestHost([wf], { clock, persistence, newId: sequentialIds('i') });
    await t.run('p', { data: { n: 0 } });
    await t.run('p', { data: { n: 0 } });
    let broken = true;
    const counting: Projection<number> = {
      name: 'count',
      version: 1,
      lifecycle: 'async',
      keysOf: () => ['all'],
      init: () => 0,
      apply(doc, change) {
        if (broken && change.streamId === 'i-2') throw new Error('bad data');
        return doc + change.events.length;
      },
    };
    const sink = memorySink<number>('count');
    const now = () => 0;
    const error = await errorOf(() => catchUp({ projection: counting, sink, log: persistence.log, now, pageSize: 2 }));
    expect(error).toMatch(/^PROJECTION_FAILED: projection count failed on stream i-2 at version 1(-\d+)? \(document all\): bad data/);
    const stuck = sink.checkpoint?.position;
    broken = false;
    const resumed = await catchUp({ projection: counting, sink, log: persistence.log, now, pageSize: 2 });
    expect(resumed.events).toBeGreaterThan(0);
    expect(sink.docs.get('all')).toBe((await persistence.log.readAll(undefined, 1000)).length);
    expect(sink.checkpoint?.position && stuck ? sink.checkpoint.position > stuck : true).toBe(true);
  });
});
