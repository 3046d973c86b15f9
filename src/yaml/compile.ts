import type { ErrorBehavior, Outcome, StepDef, WorkflowDefinition } from '../domain/definition.js';
import type { Json } from '../domain/json.js';
import type { RegisteredFunction } from '../domain/step-api.js';
import { parseDuration } from '../executors/duration.js';
import type { DenoStepConfig } from '../executors/deno-executor.js';
import type { ShellStepConfig } from '../executors/shell-executor.js';
import { compileCondition } from './condition.js';
import { dataEnvKeys } from './data-env-keys.js';
import type { ErrorBehaviorSpec, StepSpec, WorkflowSpec } from './spec.js';
import { waitOutputs, waitStepParams, type WaitStepConfig } from './wait-step.js';
import { denoBody, mergeOutputs, shellBody, workflowBody, type ChildTarget, type ExecutorOptions } from './step-bodies.js';

/** Everything compiling a workflow needs besides its spec. */
export interface CompileContext {
  readonly baseDir: string;
  readonly executor: ExecutorOptions;
  /** The `type: workflow` target with this id (from the same file). */
  readonly child: (id: string, version?: number) => ChildTarget;
  readonly registry: Map<string, RegisteredFunction>;
}

/** Default for YAML workflows: a failed step fails the run unless handled (GitHub-Actions-like). */
export const YAML_DEFAULT_ERROR_BEHAVIOR: ErrorBehavior = { type: 'fail' };

type Draft = { -readonly [K in keyof StepDef]: StepDef[K] };

/** The name under which the loader registers a workflow's step functions. */
export function functionName(wf: WorkflowSpec, stepName: string, suffix = ''): string {
  return `yaml:${wf.id}@${wf.version ?? 1}:${stepName}${suffix}`;
}

/**
 * Compiles one validated workflow into a definition and registers its functions.
 * Ids: top-level step i is id i (chained with `{ next: i + 1 }`); every other step (parallel
 * children, hooks, the containers hooks need) comes after them, in document order.
 */
export function compileWorkflow(wf: WorkflowSpec, cx: CompileContext): WorkflowDefinition {
  const steps: Draft[] = [];
  const reserve = (name: string): number => {
    steps.push({ id: steps.length, kind: 'task', name, children: [], outcomes: [] });
    return steps.length - 1;
  };
  const envKeys = dataEnvKeys(wf, (id) => cx.child(id).outputs);
  const register = (name: string, fn: RegisteredFunction): string => {
    cx.registry.set(name, fn);
    return name;
  };

  const whenName = (spec: StepSpec, when: NonNullable<StepSpec['when']>): string => {
    const predicate = compileCondition(when);
    return register(functionName(wf, spec.name, ':when'), { kind: 'fn', fn: (data: unknown) => predicate(data) });
  };

  /**
   * Fills the step at `id` from `spec`; `next` is where its success path continues. A step with
   * both `when` and `on_success` becomes a `sequence` carrying the `when` (so skipping the step
   * skips its on_success block too) around the step and its on_success chain.
   */
  const fill = (id: number, spec: StepSpec, next: number | undefined): void => {
    if (spec.when && spec.on_success !== undefined) {
      const inner = reserve(spec.name);
      Object.assign(steps[id]!, {
        kind: 'sequence',
        name: `${spec.name}:when`,
        children: [inner],
        outcomes: next === undefined ? [] : [{ next }],
        when: whenName(spec, spec.when),
      });
      fillStep(inner, spec, undefined, false);
      return;
    }
    fillStep(id, spec, next, true);
  };

  const fillStep = (id: number, spec: StepSpec, next: number | undefined, withWhen: boolean): void => {
    const step = steps[id]!;
    const successNext = spec.on_success !== undefined ? chain(list(spec.on_success), next) : next;
    step.outcomes = successNext === undefined ? [] : [{ next: successNext } satisfies Outcome];
    if (spec.error_behavior) step.errorBehavior = errorBehavior(spec.error_behavior);
    if (spec.on_failure !== undefined) step.onFailure = handler(spec.on_failure, `${spec.name}:on_failure`);
    if (spec.ensure !== undefined) step.ensure = handler(spec.ensure, `${spec.name}:ensure`);
    if (withWhen && spec.when) step.when = whenName(spec, spec.when);
    if (spec.parallel) {
      step.kind = 'parallel';
      step.children = spec.parallel.map((child) => {
        const childId = reserve(child.name);
        fill(childId, child, undefined);
        return childId;
      });
      return;
    }
    const type = spec.type ?? 'shell';
    if (type === 'wait') {
      step.kind = 'waitFor';
      step.label = 'wait';
      step.params = waitStepParams(spec.name, spec.config as unknown as WaitStepConfig, (suffix, fn) => register(functionName(wf, spec.name, suffix), { kind: 'fn', fn }));
      step.outputs = register(functionName(wf, spec.name, ':outputs'), { kind: 'fn', fn: waitOutputs(spec.name, mergeOutputs) as never });
      return;
    }
    const at = { workflowId: wf.id, stepName: spec.name, baseDir: cx.baseDir, executor: cx.executor, inputs: spec.inputs, envKeys };
    const config = (spec.config ?? {}) as Json;
    const body =
      type === 'deno'
        ? denoBody(at, config as DenoStepConfig)
        : type === 'workflow'
          ? workflowBody(at, withStepOutputs(cx.child(String(spec.config?.workflow), spec.config?.workflow_version as number | undefined), spec))
          : shellBody(at, config as ShellStepConfig);
    step.label = type;
    step.body = register(functionName(wf, spec.name), { kind: 'body', fn: body });
    step.outputs = register(functionName(wf, spec.name, ':outputs'), { kind: 'fn', fn: mergeOutputs });
    step.params = { config };
  };

  /** Steps one after another, the last continuing at `next`; returns the first id. */
  const chain = (specs: readonly StepSpec[], next: number | undefined): number => {
    const ids = specs.map((s) => reserve(s.name));
    specs.forEach((s, i) => fill(ids[i]!, s, ids[i + 1] ?? next));
    return ids[0]!;
  };

  /** A hook target: the step itself, or a `sequence` holding a chain of several. */
  const handler = (hook: StepSpec | readonly StepSpec[], name: string): number => {
    const specs = list(hook);
    if (specs.length === 1) {
      const id = reserve(specs[0]!.name);
      fill(id, specs[0]!, undefined);
      return id;
    }
    const seq = reserve(name);
    steps[seq]!.kind = 'sequence';
    steps[seq]!.children = [chain(specs, undefined)];
    return seq;
  };

  const top = wf.steps.map((s) => reserve(s.name));
  wf.steps.forEach((s, i) => fill(top[i]!, s, top[i + 1]));
  return {
    id: wf.id,
    version: wf.version ?? 1,
    ...(wf.description !== undefined || wf.name !== undefined ? { description: wf.description ?? wf.name } : {}),
    steps: steps as StepDef[],
    defaultErrorBehavior: wf.error_behavior ? errorBehavior(wf.error_behavior) : YAML_DEFAULT_ERROR_BEHAVIOR,
    requiredOutputs: Object.entries(wf.outputs ?? {})
      .filter(([, type]) => !type.trim().endsWith('?'))
      .map(([name]) => name),
  };
}

/** A child's outputs copied back: those it declares plus those the calling step declares. */
function withStepOutputs(child: ChildTarget, spec: StepSpec): ChildTarget {
  const named = (spec.outputs ?? []).map((o) => (typeof o === 'string' ? o : o.name));
  return { ...child, outputs: [...new Set([...child.outputs, ...named])] };
}

function list(hook: StepSpec | readonly StepSpec[]): readonly StepSpec[] {
  return Array.isArray(hook) ? hook : [hook as StepSpec];
}

/** YAML `error_behavior` → the definition's. Retry: interval default 60 s, `max_retries` default 3. */
export function errorBehavior(spec: ErrorBehaviorSpec): ErrorBehavior {
  if (spec.type !== 'retry') return { type: spec.type };
  return {
    type: 'retry',
    interval: spec.interval === undefined ? 60_000 : parseDuration(spec.interval) ?? 60_000,
    maxRetries: spec.max_retries ?? 3,
    ...(spec.backoff !== undefined ? { backoff: spec.backoff } : {}),
    ...(spec.max_interval !== undefined ? { maxInterval: parseDuration(spec.max_interval) ?? 0 } : {}),
  };
}
