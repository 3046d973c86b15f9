import type { StepDef, WorkflowDefinition } from '../../src/domain/definition.js';
import type { Json } from '../../src/domain/json.js';
import type { ChildWorkflows, StepContext, StepFn } from '../../src/domain/step-api.js';
import type { LoadResult } from '../../src/yaml/index.js';

/** What a test may set on the step context; the rest gets plain defaults. */
export interface ContextInit {
  data?: unknown;
  config?: Json;
  event?: StepContext['event'];
  workflows?: ChildWorkflows;
  signal?: AbortSignal;
  instanceId?: string;
  pointerId?: number;
  attempt?: number;
  step?: StepContext['step'];
}

/** A step context as the runtime would build it, for calling step bodies directly. */
export function stepContext(init: ContextInit = {}): StepContext {
  const instanceId = init.instanceId ?? 'inst-1';
  const pointerId = init.pointerId ?? 7;
  const attempt = init.attempt ?? 1;
  return {
    instanceId,
    definitionId: 'test',
    definitionVersion: 1,
    data: init.data ?? {},
    step: init.step ?? { id: 0, name: 'step' },
    pointerId,
    attempt,
    idempotencyKey: `${instanceId}:${pointerId}:${attempt}`,
    item: undefined,
    input: undefined,
    persistenceData: undefined,
    ...(init.event ? { event: init.event } : {}),
    signal: init.signal ?? new AbortController().signal,
    now: 0,
    config: init.config,
    workflows: init.workflows ?? {
      startChild: () => Promise.reject(new Error('no child workflows in this test')),
    },
  };
}

/** The definition with this id, and its step with this name. */
export function findStep(loaded: LoadResult, workflowId: string, stepName: string): { definition: WorkflowDefinition; step: StepDef } {
  const definition = loaded.definitions.find((d) => d.id === workflowId);
  const step = definition?.steps.find((s) => s.name === stepName);
  if (!definition || !step) throw new Error(`no step ${workflowId}/${stepName}`);
  return { definition, step };
}

/**
 * Runs one step the way the runtime does: its body with the context (config from the definition),
 * then, if it returned a plain output, its output mapping on a copy of the data.
 */
export async function runStep(loaded: LoadResult, workflowId: string, stepName: string, init: ContextInit = {}): Promise<{ result: unknown; data: Record<string, unknown> }> {
  const { step } = findStep(loaded, workflowId, stepName);
  const body = loaded.registry.get(step.body!);
  if (body?.kind !== 'body') throw new Error(`step ${stepName} has no body`);
  const data = structuredClone((init.data ?? {}) as Record<string, unknown>);
  const result = await (body.fn as StepFn)(stepContext({ ...init, data, config: step.params?.config, step: { id: step.id, name: step.name } }));
  const isControl = typeof result === 'object' && result !== null && '__wfeResult' in result;
  if (!isControl && step.outputs) {
    const mapping = loaded.registry.get(step.outputs);
    if (mapping?.kind === 'fn') (mapping.fn as (d: unknown, o: unknown) => void)(data, result);
  }
  return { result, data };
}

/** The registered `when` predicate of a step (undefined when it has none). */
export function whenOf(loaded: LoadResult, def: WorkflowDefinition, step: StepDef): ((data: unknown) => boolean) | undefined {
  if (!step.when) return undefined;
  const fn = loaded.registry.get(step.when);
  if (fn?.kind !== 'fn') throw new Error(`when ${step.when} of ${def.id} is not registered`);
  return fn.fn as (data: unknown) => boolean;
}
