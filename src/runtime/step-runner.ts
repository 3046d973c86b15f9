import { createDraft, enablePatches, finishDraft, type Patch } from 'immer';
import type { Execution } from '../domain/commands.js';
import type { Dyn, StepDef, WorkflowDefinition } from '../domain/definition.js';
import { toStepFailure, WfeError } from '../domain/errors.js';
import type { DataPatch } from '../domain/events.js';
import { findNonJson, type Json } from '../domain/json.js';
import { isStepResult, type ChildWorkflows, type FunctionRegistry, type StepContext } from '../domain/step-api.js';
import { findPointer, type ExecutionPointer, type InstanceState } from '../domain/state.js';

enablePatches();

/** Wraps a step's execution: `next()` runs the step (or the next middleware). Nested in registration order. */
export type StepMiddleware = (ctx: StepContext, step: StepDef, next: () => Promise<unknown>) => Promise<unknown>;

export interface RunEnv {
  readonly now: number;
  readonly signal: AbortSignal;
  readonly workflows: ChildWorkflows;
  readonly middleware: readonly StepMiddleware[];
}

/** The name and key activities wait on: workers claim by name, results come back on the key. */
export function activityEvent(activityName: string, instanceId: string, pointerId: number): { name: string; key: string } {
  return { name: `activity:${activityName}`, key: `${instanceId}:${pointerId}` };
}

/**
 * Run a pointer's user code (body, mappings, conditions, collections) and say what happened as an
 * `Execution` for `decide`. Never throws for what user code does: that becomes `failed`.
 */
export async function runPointer(
  def: WorkflowDefinition,
  registry: FunctionRegistry,
  state: InstanceState,
  p: ExecutionPointer,
  env: RunEnv,
): Promise<Execution> {
  const step = def.steps[p.stepId];
  if (!step) return { kind: 'failed', error: { type: 'UNKNOWN_STEP', message: `definition ${def.id}@${def.version} has no step ${p.stepId}` } };
  const fns = new Functions(registry, def);
  // Made when a condition or parameter needs it (a task's body gets its own).
  let baseCtx: StepContext | undefined;
  const base = (): StepContext => (baseCtx ??= contextFor(state, step, p, env, state.data));
  try {
    if (step.when && p.startedAt === undefined && !fns.call<boolean>(step.when, state.data, base())) {
      return { kind: 'skipped', reason: 'when condition is false' };
    }
    const pd = p.persistenceData as Record<string, Json> | undefined;
    switch (step.kind) {
      case 'task':
        return await runBody(step, fns, state, p, env);
      case 'if':
      case 'while':
        return { kind: 'condition', value: Boolean(fns.call(step.params?.condition, state.data, base())) };
      case 'forEach': {
        const items = fns.call<unknown>(step.params?.collection, state.data, base());
        if (!Array.isArray(items)) throw new WfeError('INVALID_COMMAND', `forEach ${step.name}: the collection is not an array`);
        const bad = findNonJson(items);
        if (bad) throw new WfeError('NOT_SERIALISABLE', `forEach ${step.name}: the collection is not JSON at ${bad}`);
        if (!step.params?.sequentialIf) return { kind: 'collection', items: items as Json[] };
        return { kind: 'collection', items: items as Json[], sequential: Boolean(fns.call(step.params.sequentialIf, state.data, base())) };
      }
      case 'sequence':
      case 'parallel':
      case 'saga':
        return { kind: 'enter' };
      case 'switch': {
        // The predicate cases, on the outcome the step before the group recorded.
        const before = p.predecessorId !== undefined ? findPointer(state, p.predecessorId) : undefined;
        const outcome = before?.outcome ?? null;
        const matched: number[] = [];
        (step.params?.cases ?? []).forEach((c, i) => {
          if (c.fn && fns.call<boolean>(c.fn, outcome, state.data, base())) matched.push(i);
        });
        return { kind: 'enter', matched };
      }
      case 'schedule':
        if (pd?.phase === 'waiting') return { kind: 'enter' };
        return { kind: 'interval', ms: fns.dyn<number>(step.params?.interval, state.data, base()) };
      case 'recur':
        if (pd?.phase === 'waiting') return { kind: 'condition', value: Boolean(fns.call(step.params?.until, state.data, base())) };
        return { kind: 'interval', ms: fns.dyn<number>(step.params?.interval, state.data, base()) };
      case 'decide': {
        const outcome = step.params?.expression ? fns.call<Json>(step.params.expression, state.data, base()) : null;
        return { kind: 'completed', outcome, matched: fns.matched(step, outcome, state.data, base()) };
      }
      case 'delay':
        if (pd?.slept) return { kind: 'completed' };
        return { kind: 'sleep', dueAt: env.now + fns.dyn<number>(step.params?.duration, state.data, base()), persistenceData: { slept: true } };
      case 'waitFor': {
        if (p.eventId !== undefined) {
          const output = { eventData: p.eventData ?? null, eventName: p.eventName, eventKey: p.eventKey };
          return { kind: 'completed', patches: applyOutputs(step, fns, state, output, base()) };
        }
        if (p.status === 'waitingForEvent') {
          // Runnable while waiting only because its timeout passed (an event would have been delivered
          // first). The engine's own failure: no stack, which would only say where the runner ran.
          return { kind: 'failed', error: { type: 'Timeout', message: `${step.name}: no event ${p.eventName}/${p.eventKey} came in time` } };
        }
        const params = step.params ?? {};
        const timeout = params.timeout ? fns.dyn<number>(params.timeout, state.data, base()) : undefined;
        return {
          kind: 'wait',
          name: fns.dyn<string>(params.eventName, state.data, base()),
          key: String(fns.dyn<string>(params.eventKey, state.data, base())),
          asOf: params.effectiveDate ? fns.dyn<number>(params.effectiveDate, state.data, base()) : 0,
          ...(timeout !== undefined ? { timeoutAt: env.now + timeout } : {}),
        };
      }
      case 'activity': {
        if (p.eventId !== undefined) {
          const reply = p.eventData as { ok?: boolean; result?: Json; error?: { type?: string; message?: string } } | null;
          if (!reply?.ok) return { kind: 'failed', error: { type: reply?.error?.type ?? 'ActivityFailed', message: reply?.error?.message ?? 'the activity failed' } };
          return { kind: 'completed', patches: applyOutputs(step, fns, state, reply.result ?? null, base()) };
        }
        const name = fns.dyn<string>(step.params?.activityName, state.data, base());
        const parameters = step.params?.parameters ? fns.call<Json>(step.params.parameters, state.data, base()) : null;
        const ev = activityEvent(name, state.instanceId, p.id);
        return { kind: 'wait', name: ev.name, key: ev.key, asOf: 0, activity: { name, parameters } };
      }
      case 'end':
        return { kind: 'end' };
      default: {
        const never: never = step.kind;
        throw new WfeError('UNKNOWN_STEP', `unknown step kind ${String(never)}`);
      }
    }
  } catch (e) {
    return { kind: 'failed', error: toStepFailure(e) };
  }
}

function contextFor(state: InstanceState, step: StepDef, p: ExecutionPointer, env: RunEnv, data: unknown, input?: unknown): StepContext {
  const attempt = p.attempt + 1;
  return {
    instanceId: state.instanceId,
    definitionId: state.definitionId,
    definitionVersion: state.definitionVersion,
    ...(state.reference !== undefined ? { reference: state.reference } : {}),
    data,
    step: { id: step.id, name: step.name, ...(step.externalId ? { externalId: step.externalId } : {}) },
    pointerId: p.id,
    attempt,
    idempotencyKey: `${state.instanceId}:${p.id}:${attempt}`,
    item: p.hasItem ? p.item : undefined,
    input,
    persistenceData: p.persistenceData,
    ...(p.eventId !== undefined
      ? { event: { name: p.eventName ?? '', key: p.eventKey ?? '', data: p.eventData ?? null, effectiveAt: 0 } }
      : {}),
    signal: env.signal,
    now: env.now,
    config: step.params?.config,
    workflows: env.workflows,
    ...(state.forkedFrom ? { forkedFrom: state.forkedFrom } : {}),
    isReplay: false,
  };
}

async function runBody(step: StepDef, fns: Functions, state: InstanceState, p: ExecutionPointer, env: RunEnv): Promise<Execution> {
  const registered = fns.get(step.body);
  const plain = contextFor(state, step, p, env, state.data);
  const input = step.inputs ? fns.call(step.inputs, state.data, plain) : undefined;
  const root = createDraft({ data: state.data as never }) as { data: unknown };
  const ctx = contextFor(state, step, p, env, root.data, input);
  let output: unknown;
  // A class step's return value counts exactly as a function step's; only when it returns no output
  // (nothing, or a `Result` without one) is the instance the output, so mappings can read its fields.
  let instance: object | undefined;
  const invoke = async (): Promise<unknown> => {
    if (registered.kind === 'class') {
      instance = new registered.cls();
      if (input && typeof input === 'object') Object.assign(instance, input);
      return (instance as { run(c: StepContext): unknown }).run(ctx);
    }
    return (registered.fn as (c: StepContext) => unknown)(ctx);
  };
  const result = await env.middleware.reduceRight<() => Promise<unknown>>((next, mw) => () => mw(ctx, step, next), invoke)();
  let outcome: Json | undefined;
  if (isStepResult(result)) {
    switch (result.kind) {
      case 'sleep':
        finishDraft(root);
        return { kind: 'sleep', dueAt: env.now + result.ms, ...(result.persistenceData !== undefined ? { persistenceData: result.persistenceData } : {}) };
      case 'waitForEvent':
        finishDraft(root);
        return { kind: 'wait', name: result.name, key: result.key, asOf: result.asOf ?? 0 };
      case 'outcome':
        outcome = result.value;
        output = result.output;
        break;
      case 'next':
        output = result.output;
        break;
    }
  } else output = result;
  if (output === undefined) output = instance;
  if (step.outputs) fns.call(step.outputs, root.data, output, ctx);
  let patches: Patch[] = [];
  finishDraft(root, (p) => {
    patches = p;
  });
  const recorded = toDataPatches(patches, state.data);
  const bad = findNonJson(recorded);
  if (bad) throw new WfeError('NOT_SERIALISABLE', `step ${step.name} wrote data that is not JSON at ${dataPathOf(recorded, bad)}`, { path: dataPathOf(recorded, bad) });
  return { kind: 'completed', ...(outcome !== undefined ? { outcome } : {}), matched: fns.matched(step, outcome ?? null, state.data, plain), patches: recorded };
}

function applyOutputs(step: StepDef, fns: Functions, state: InstanceState, output: unknown, ctx: StepContext): DataPatch[] {
  if (!step.outputs) return [];
  const root = createDraft({ data: state.data as never }) as { data: unknown };
  fns.call(step.outputs, root.data, output, ctx);
  let patches: Patch[] = [];
  finishDraft(root, (p) => {
    patches = p;
  });
  const recorded = toDataPatches(patches, state.data);
  const bad = findNonJson(recorded);
  if (bad) throw new WfeError('NOT_SERIALISABLE', `step ${step.name}: output mapping wrote data that is not JSON at ${dataPathOf(recorded, bad)}`, { path: dataPathOf(recorded, bad) });
  return recorded;
}

/** `$[2].value.b` (a path into the patch list) → `$.items.b`: where in the workflow data the bad value is. */
function dataPathOf(patches: readonly DataPatch[], bad: string): string {
  const m = /^\$\[(\d+)\]\.value(.*)$/s.exec(bad);
  const patch = m ? patches[Number(m[1])] : undefined;
  if (!m || !patch) return bad;
  return `$${patch.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}${m[2]}`;
}

/**
 * Immer patches of `{ data }` → patches of the data itself. An insert at or past the end of an array
 * of the base data is recorded as an append (`-`), so that parallel branches that each push onto
 * the same array all keep their items when their patches are applied one after another.
 */
function toDataPatches(patches: readonly Patch[], base: unknown): DataPatch[] {
  return patches.map((p) => {
    let path = p.path.slice(1) as (string | number)[];
    const last = path[path.length - 1];
    if (p.op === 'add' && typeof last === 'number') {
      let parent: unknown = base;
      for (const k of path.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[k as string] : undefined;
      if (Array.isArray(parent) && last >= parent.length) path = [...path.slice(0, -1), '-'];
    }
    return { op: p.op, path, ...(p.op !== 'remove' ? { value: p.value as Json } : {}) };
  });
}

class Functions {
  constructor(private readonly registry: FunctionRegistry, private readonly def: WorkflowDefinition) {}

  get(name: string | undefined) {
    const f = name ? this.registry.get(name) : undefined;
    if (!f) throw new WfeError('UNKNOWN_FUNCTION', `workflow ${this.def.id}@${this.def.version} names function '${name}', which is not registered`);
    return f;
  }

  call<R>(name: string | undefined, ...args: unknown[]): R {
    const f = this.get(name);
    if (f.kind !== 'fn' && f.kind !== 'body') throw new WfeError('UNKNOWN_FUNCTION', `'${name}' is a step class, not a function`);
    return (f.fn as (...a: unknown[]) => R)(...args);
  }

  dyn<V>(d: Dyn<never> | Dyn<string> | Dyn<number> | undefined, data: unknown, ctx: StepContext): V {
    if (!d) throw new WfeError('DEFINITION_INVALID', 'a step parameter is missing');
    return ('value' in d ? d.value : this.call<V>(d.fn, data, ctx)) as V;
  }

  matched(step: StepDef, outcome: Json, data: unknown, ctx: StepContext): number[] {
    const out: number[] = [];
    step.outcomes.forEach((o, i) => {
      if (o.fn && this.call<boolean>(o.fn, outcome, data, ctx)) out.push(i);
    });
    return out;
  }
}
