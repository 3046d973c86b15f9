/**
 * A host whose lease on an instance ran out while a step was running (its renewals stalled) and was
 * taken by another host: its append is fenced, and it must stop working on the instance, not run
 * the instance's steps again, pass after pass, while the other host owns it.
 */
import { expect, it } from 'vitest';
import { createMemoryPersistence } from '../../src/adapters/memory/index.js';
import { workflow } from '../../src/domain/builder.js';
import type { LockProvider } from '../../src/ports/lock.js';
import { WorkflowHost } from '../../src/runtime/host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a host whose append was fenced (its lease was taken over) runs no more steps of that instance', async () => {
  const p = createMemoryPersistence();
  // Renewals that take a second to reach the store (a saturated pool, a slow network).
  const stalled: LockProvider = { ...p.lock, renew: (lease, ttlMs) => sleep(1_000).then(() => p.lock.renew(lease, ttlMs)) };
  let executions = 0;
  const built = workflow('slow', 1)
    .startWith(async () => {
      executions++;
      if (executions === 1) await sleep(300);
    }, 'work')
    .build();
  const host = new WorkflowHost({ persistence: { ...p, lock: stalled }, hostId: 'stalled', leaseMs: 100, pollInterval: 20 });
  host.registerWorkflow(built);
  const errors: string[] = [];
  host.on('host:error', (e) => errors.push(`${e.where}: ${e.error instanceof Error ? e.error.message : String(e.error)}`));
  await host.start();
  try {
    const id = await host.startWorkflow('slow');
    await sleep(200);
    // The lease (100 ms) ran out while the step is still running: another host takes the instance.
    const taken = await p.lock.acquire(id, 'other', 60_000);
    expect(taken).toBeDefined();
    await sleep(700);
    // The stalled host's result was refused (fenced); it must not have run the step again.
    const history = await p.log.read(id);
    expect(history.map((e) => e.event.type)).toEqual(['WorkflowStarted', 'StepsActivated']);
    expect(executions).toBe(1);
  } finally {
    await host.stop();
  }
});
