/**
 * workflow-es (the TypeScript port of Workflow Core) as a peer-benchmark engine (a child of
 * `bench/peers/run.ts`, see `../child.ts`):
 *
 *   node --expose-gc --import tsx bench/peers/engines/workflow-es.ts '<json ChildConfig>'
 *
 * Configuration: `configureWorkflow()` with its defaults, i.e. what its README calls the default
 * single-node setup: MemoryPersistenceProvider (in-memory, non-durable; the only provider in the
 * package), SingleNodeQueueProvider, SingleNodeLockProvider. Its queue worker polls its in-process
 * queue every 100 ms, and a step's successor is queued only after the step is persisted, so each
 * step waits for the next poll; that interval is fixed in workflow-es 2.3.5 (not an option), so it
 * is measured as shipped.
 *
 * Completion is seen where the engine records it: the memory provider is wrapped so that a
 * `persistWorkflow` of an instance with status Complete counts its completion (once) (the provider's own work is
 * unchanged).
 */
import { configureWorkflow, ExecutionResult, MemoryPersistenceProvider, StepBody, WorkflowStatus, type StepExecutionContext, type WorkflowBase, type WorkflowBuilder, type WorkflowInstance } from 'workflow-es';
import { Completions, runChild, type Engine } from '../child.js';

class Noop extends StepBody {
  run(_context: StepExecutionContext): Promise<ExecutionResult> {
    return ExecutionResult.next();
  }
}

class ThreeStep implements WorkflowBase<{ order: number }> {
  id = 'bench-3step';
  version = 1;
  build(builder: WorkflowBuilder<{ order: number }>): void {
    builder.startWith(Noop).then(Noop).then(Noop);
  }
}

await runChild(async (): Promise<Engine> => {
  const completions = new Completions();
  const complete = new Set<string>();
  class CountingPersistence extends MemoryPersistenceProvider {
    override async persistWorkflow(instance: WorkflowInstance): Promise<void> {
      await super.persistWorkflow(instance);
      if (instance.status === WorkflowStatus.Complete && !complete.has(instance.id)) {
        complete.add(instance.id);
        completions.bump();
      }
    }
  }
  const config = configureWorkflow();
  config.usePersistence(new CountingPersistence());
  const host = config.getHost();
  host.registerWorkflow(ThreeStep);
  await host.start();
  return {
    completions,
    async start(i) {
      await host.startWorkflow('bench-3step', 1, { order: i });
    },
    async close() {
      host.stop();
    },
  };
});
