/**
 * Two hosts in one process on one PostgreSQL database, each with its own pool and LISTEN
 * connection, both polling only once a minute. Host B is busy (one workflow at a time, and one is
 * running); host A is idle. Work that B starts or an event B publishes is done by A within a
 * second: A is woken by NOTIFY, not by polling, and does not poll while idle.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresPersistence, type PostgresPersistence } from '../../src/adapters/postgres/index.js';
import { workflow } from '../../src/domain/builder.js';
import type { StoredEvent } from '../../src/ports/event-log.js';
import type { WorkQueue } from '../../src/ports/work-queue.js';
import { WorkflowHost } from '../../src/runtime/host.js';
import { createTestDatabase, describeWith, uniqueSuffix } from '../setup/integration.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const POLL = 60_000;

describeWith('postgres', 'an idle host wakes on LISTEN/NOTIFY, without polling', (adminUrl) => {
  let pa: PostgresPersistence;
  let pb: PostgresPersistence;
  let a: WorkflowHost;
  let b: WorkflowHost;
  let claimsByA = 0;
  let releaseBlocker: () => void = () => {};
  const blocker = new Promise<void>((resolve) => {
    releaseBlocker = resolve;
  });
  let blockerRunning: () => void = () => {};
  const blockerStarted = new Promise<void>((resolve) => {
    blockerRunning = resolve;
  });

  const definitions = () => [
    workflow('blocker', 1)
      .startWith(async () => {
        blockerRunning();
        await blocker;
      }, 'hold')
      .build(),
    workflow('quick', 1).startWith(() => {}, 'a').then(() => {}, 'b').then(() => {}, 'c').build(),
    workflow<{ key: string }>('waiter', 1)
      .startWith(() => {}, 'before')
      .waitFor('go', (d) => d.key)
      .then(() => {}, 'after')
      .build(),
  ];

  // The hosts that appended after the start (the first append: WorkflowStarted and the first StepsActivated).
  const actorsAfterStart = (events: readonly StoredEvent[]) => {
    const first = events[0]!;
    const start = events.findIndex((e) => e.recordedAt !== first.recordedAt || e.meta.actor !== first.meta.actor);
    return new Set(events.slice(start < 0 ? events.length : start).map((e) => e.meta.actor));
  };

  beforeAll(async () => {
    const url = await createTestDatabase(adminUrl, 'wakeups_hosts');
    const schema = `wk_${uniqueSuffix()}`;
    pa = await createPostgresPersistence({ connectionString: url, schema });
    pb = await createPostgresPersistence({ connectionString: url, schema });
    // B: busy with one long step, and takes one workflow at a time.
    b = new WorkflowHost({ persistence: pb, hostId: 'busy', pollInterval: POLL, maxConcurrentWorkflows: 1 });
    for (const d of definitions()) b.registerWorkflow(d);
    await b.start();
    await pb.wakeups.listening();
    await b.startWorkflow('blocker', { instanceId: 'blocker' });
    await blockerStarted;
    // A: idle; its claims are counted.
    const queue: WorkQueue = {
      ...pa.queue,
      claim: (...args) => {
        claimsByA++;
        return pa.queue.claim(...args);
      },
    };
    a = new WorkflowHost({ persistence: { ...pa, queue }, hostId: 'idle', pollInterval: POLL });
    for (const d of definitions()) a.registerWorkflow(d);
    await a.start();
    await pa.wakeups.listening();
  });

  afterAll(async () => {
    releaseBlocker();
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([pa?.close(), pb?.close()]);
  });

  it('an idle host makes no claims (it sleeps for its poll interval)', async () => {
    await sleep(300);
    const before = claimsByA;
    await sleep(700);
    expect(claimsByA).toBe(before);
  });

  it('work started on the busy host is done by the idle one within a second', async () => {
    const t0 = performance.now();
    const id = await b.startWorkflow('quick');
    const state = await a.waitForCompletion(id, { timeoutMs: 5_000 });
    expect(state.status).toBe('complete');
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(actorsAfterStart(await a.history(id))).toEqual(new Set(['idle']));
    // And a burst: every one of them done by the idle host.
    const ids = await Promise.all(Array.from({ length: 5 }, () => b.startWorkflow('quick')));
    const states = await Promise.all(ids.map((x) => a.waitForCompletion(x, { timeoutMs: 5_000 })));
    expect(states.map((s) => s.status)).toEqual(Array(5).fill('complete'));
    for (const x of ids) expect(actorsAfterStart(await a.history(x))).toEqual(new Set(['idle']));
  });

  it('an event published on the busy host wakes the idle one, which delivers it within a second', async () => {
    const id = await b.startWorkflow('waiter', { data: { key: 'k1' } });
    // A runs the first step and the instance waits.
    for (let i = 0; i < 200; i++) {
      if ((await a.history(id)).some((e) => e.event.type === 'EventAwaited')) break;
      await sleep(10);
    }
    expect((await a.history(id)).some((e) => e.event.type === 'EventAwaited')).toBe(true);
    await sleep(200);
    const claims = claimsByA;
    const t0 = performance.now();
    await b.publishEvent('go', 'k1', { ok: true });
    const state = await a.waitForCompletion(id, { timeoutMs: 5_000 });
    expect(state.status).toBe('complete');
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(claimsByA).toBeGreaterThan(claims);
    expect(actorsAfterStart(await a.history(id))).toEqual(new Set(['idle']));
  });

  it('the busy host finishes its own long step when it is released', async () => {
    releaseBlocker();
    const state = await b.waitForCompletion('blocker', { timeoutMs: 5_000 });
    expect(state.status).toBe('complete');
  });
});
