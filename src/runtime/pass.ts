import type { Command, Execution } from '../domain/commands.js';
import type { StepDef, WorkflowDefinition } from '../domain/definition.js';
import { toStepFailure } from '../domain/errors.js';
import { runnablePointers, waitingPointers } from '../domain/queries.js';
import { activePointers, type ExecutionPointer, type InstanceState } from '../domain/state.js';
import type { ChildWorkflows, FunctionRegistry } from '../domain/step-api.js';
import type { ExternalEvent } from '../ports/external-events.js';
import { runPointer, type StepMiddleware } from './step-runner.js';

/** What a pass needs from outside: the time, the published events, and hooks for telemetry. */
export interface PassEnv {
  readonly now: number;
  readonly signal: AbortSignal;
  readonly workflows: ChildWorkflows;
  readonly middleware: readonly StepMiddleware[];
  /** The earliest published event for a wait, skipping the ones this step already consumed. */
  findEvent(name: string, key: string, asOf: number, excludeIds: ReadonlySet<string>): Promise<ExternalEvent | undefined>;
  /** Told before a task or activity step's code runs. */
  onStepStarted?(pointer: ExecutionPointer, step: StepDef): void;
  /** Told as soon as a runnable pointer's user code has finished, with what it recorded (for step spans and durations). */
  onStepEnded?(pointer: ExecutionPointer, execution: Execution): void;
  /** Told of every execution before it is decided, with the state it ran against. */
  onExecution?(state: InstanceState, pointerId: number, attempt: number, execution: Execution): void;
}

/**
 * What to do now for an instance, in this order: one cancellation (a cancel condition that became
 * true), else every event delivery a waiting step can take, else run the user code of every
 * runnable pointer. All user code runs here or in the step runner, never in the domain; a cancel
 * condition that throws fails its step like any other user code. Returns the commands to commit
 * (none: nothing to do now).
 */
export async function planPass(definition: WorkflowDefinition, registry: FunctionRegistry, state: InstanceState, env: PassEnv): Promise<Command[]> {
  const cancel = cancellation(definition, registry, state, env.now);
  if (cancel) return [cancel];
  const deliveries: Command[] = [];
  for (const p of waitingPointers(state)) {
    const consumed = new Set<string>();
    const prefix = `${p.stepId}:`;
    for (const k of Object.keys(state.consumed)) if (k.startsWith(prefix)) consumed.add(k.slice(prefix.length));
    const event = await env.findEvent(p.eventName ?? '', p.eventKey ?? '', p.eventAsOf ?? 0, consumed);
    if (event) deliveries.push({ type: 'DeliverEvent', pointerId: p.id, event: { id: event.id, name: event.name, key: event.key, data: event.data, effectiveAt: event.effectiveAt } });
  }
  if (deliveries.length > 0) return deliveries;
  const { now } = env;
  const runnable = runnablePointers(state, now);
  for (const p of runnable) {
    const step = definition.steps[p.stepId];
    if (step && (step.kind === 'task' || step.kind === 'activity')) env.onStepStarted?.(p, step);
  }
  const runEnv = { now, signal: env.signal, workflows: env.workflows, middleware: env.middleware };
  const executions = await Promise.all(
    runnable.map(async (p) => {
      const execution = await runPointer(definition, registry, state, p, runEnv);
      env.onStepEnded?.(p, execution);
      return execution;
    }),
  );
  return runnable.map((p, i) => {
    const execution = executions[i]!;
    env.onExecution?.(state, p.id, p.attempt + 1, execution);
    return { type: 'Execute', pointerId: p.id, attempt: p.attempt + 1, startedAt: now, execution } as Command;
  });
}

/** The first active pointer whose cancel condition holds (or throws), as a command. */
function cancellation(definition: WorkflowDefinition, registry: FunctionRegistry, state: InstanceState, now: number): Command | undefined {
  for (const p of activePointers(state)) {
    const cc = definition.steps[p.stepId]?.cancelCondition;
    if (!cc) continue;
    const f = registry.get(cc.fn);
    if (f?.kind !== 'fn') continue;
    try {
      if ((f.fn as (d: unknown) => boolean)(state.data)) return { type: 'Cancel', pointerId: p.id, proceed: cc.proceedOnCancel, reason: 'cancel condition met' };
    } catch (thrown) {
      const error = toStepFailure(thrown);
      return { type: 'Execute', pointerId: p.id, attempt: p.attempt + 1, startedAt: now, execution: { kind: 'failed', during: 'cancelCondition', error: { ...error, message: `cancel condition of ${definition.steps[p.stepId]?.name ?? p.stepId} threw: ${error.message}` } } };
    }
  }
  return undefined;
}
