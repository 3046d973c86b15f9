import { createMemoryPersistence } from '../adapters/memory/index.js';
import type { BuiltWorkflow } from '../domain/builder.js';
import { WfeError } from '../domain/errors.js';
import type { InstanceState } from '../domain/state.js';
import type { Persistence } from '../ports/persistence.js';
import { WorkflowHost, type StartOptions } from '../runtime/host.js';
import type { HostOptions } from '../runtime/host-options.js';
import { SimulatedClock, sequentialIds } from './simulated-clock.js';

export interface TestHost {
  readonly host: WorkflowHost;
  readonly clock: SimulatedClock;
  readonly persistence: Persistence;
  /** Start a workflow and work until the host is idle; returns the state then (ended or waiting). */
  run(definitionId: string, options?: StartOptions): Promise<InstanceState>;
  /** Move the simulated clock and work until idle. */
  advance(ms: number): Promise<void>;
  /** Move the clock to the next due time (a timer, retry, sleep or wait timeout) and work until idle; false when nothing is due. */
  advanceToNextDue(): Promise<boolean>;
  /** Work until idle, moving the clock to each next due time, until nothing is due (at most `maxAdvances` moves, default 1000); returns the moves made. */
  runUntilIdle(options?: { maxAdvances?: number }): Promise<number>;
  /** Resolves once some instance waits for `name`/`key` (its subscription is written); rejects with TIMEOUT after `timeoutMs` of real time. */
  waitForSubscription(name: string, key: string, options?: { timeoutMs?: number }): Promise<void>;
  /** The types of an instance's events, in order. */
  eventTypes(instanceId: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A started host on in-memory stores with a simulated clock and sequential ids: for testing
 * workflows without servers, real time or randomness. Host and store share one clock: a store
 * given with its own clock must be given that clock too (`clock`), else the host would wait for
 * times the store never reaches; a mismatch is an error here, not a silent hang.
 */
export async function createTestHost(workflows: readonly BuiltWorkflow[], options: HostOptions = {}): Promise<TestHost> {
  if (options.clock !== undefined && !(options.clock instanceof SimulatedClock)) {
    throw new WfeError('INVALID_ARGUMENT', 'createTestHost: clock must be a SimulatedClock (from wfe/testing)', { argument: 'clock' });
  }
  const clock = options.clock ?? new SimulatedClock();
  const persistence = options.persistence ?? createMemoryPersistence({ clock: () => clock.now() });
  const storeNow = (persistence as { now?: () => number }).now;
  if (options.persistence && storeNow && storeNow() !== clock.now()) {
    throw new WfeError(
      'INVALID_ARGUMENT',
      `createTestHost: the persistence's clock reads ${storeNow()}, the host's ${clock.now()}: create the persistence with clock: () => simulatedClock.now() and pass the same SimulatedClock as clock`,
      { argument: 'clock' },
    );
  }
  const host = new WorkflowHost({ pollInterval: 1000, newId: sequentialIds('wf'), ...options, clock, persistence });
  for (const w of workflows) host.registerWorkflow(w);
  await host.start();
  const advanceToNextDue = async () => {
    await host.drain();
    const due = await persistence.queue.nextDueAt();
    if (due === undefined) return false;
    await clock.set(due);
    await host.drain();
    return true;
  };
  return {
    host,
    clock,
    persistence,
    async run(definitionId, startOptions) {
      const id = await host.startWorkflow(definitionId, startOptions);
      await host.drain();
      return host.getWorkflow(id);
    },
    async advance(ms) {
      await clock.advance(ms);
      await host.drain();
    },
    advanceToNextDue,
    async runUntilIdle(o = {}) {
      const max = o.maxAdvances ?? 1000;
      let moves = 0;
      while (moves < max && (await advanceToNextDue())) moves++;
      return moves;
    },
    async waitForSubscription(name, key, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 5000);
      while ((await persistence.events.subscribers(name, key)).length === 0) {
        if (Date.now() > deadline) throw new WfeError('TIMEOUT', `no instance waits for ${name}/${key}`, { name, key });
        await new Promise((r) => setTimeout(r, 2));
      }
    },
    async eventTypes(instanceId) {
      return (await host.history(instanceId)).map((e) => e.event.type);
    },
    stop: () => host.stop(),
  };
}
