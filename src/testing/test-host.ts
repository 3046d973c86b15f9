import { createMemoryPersistence } from '../adapters/memory/index.js';
import type { BuiltWorkflow } from '../domain/builder.js';
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
  /** The types of an instance's events, in order. */
  eventTypes(instanceId: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A started host on in-memory stores with a simulated clock and sequential ids: for testing
 * workflows without servers, real time or randomness.
 */
export async function createTestHost(workflows: readonly BuiltWorkflow[], options: HostOptions = {}): Promise<TestHost> {
  const clock = options.clock instanceof SimulatedClock ? options.clock : new SimulatedClock();
  const persistence = options.persistence ?? createMemoryPersistence({ clock: () => clock.now() });
  const host = new WorkflowHost({ pollInterval: 1000, newId: sequentialIds('wf'), ...options, clock, persistence });
  for (const w of workflows) host.registerWorkflow(w);
  await host.start();
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
    async eventTypes(instanceId) {
      return (await host.history(instanceId)).map((e) => e.event.type);
    },
    stop: () => host.stop(),
  };
}
