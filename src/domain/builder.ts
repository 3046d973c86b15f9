import type { Draft } from 'immer';
import {
  DEFAULT_ERROR_BEHAVIOR, ERROR_BEHAVIOR_TYPES, type Dyn, type ErrorBehavior, type Outcome, type StepDef, type StepKind, type StepParams, type WorkflowDefinition,
} from './definition.js';
import { WfeError } from './errors.js';
import type { Json } from './json.js';
import type { FunctionRegistry, RegisteredFunction, StepBodyClass, StepContext, StepFn } from './step-api.js';
import { validateDefinition } from './validate-definition.js';

/** A definition with the functions it names: what the host registers. `T` is the workflow's data type (types only). */
export interface BuiltWorkflow<T = unknown> {
  readonly definition: WorkflowDefinition;
  readonly registry: FunctionRegistry;
  /** Never set: carries the data type to `startWorkflow`, `getWorkflow` and `waitForCompletion`. */
  readonly __data?: T;
}

type Body<T> = StepFn<T> | StepBodyClass<T> | { readonly name: string; readonly run: StepFn<T> };
/** A parameter known when the workflow is written, or computed from the data (and context) at run time. */
export type Value<T, V> = V | ((data: T, ctx: StepContext<T>) => V);
/** A branch: given a builder, add its steps. */
export type Branch<T> = (b: WorkflowBuilder<T>) => StepBuilder<T>;
/** `forEach` options: `sequential` runs the items one after another (a constant, or from the data at run time). */
export interface ForEachOptions<T> {
  readonly sequential?: boolean | ((data: T, ctx: StepContext<T>) => boolean);
}
/** A predicate of the outcome a step recorded (null without one), the data and the context. */
export type WhenPredicate<T> = (outcome: Json, data: T, ctx: StepContext<T>) => boolean;

interface MutableStep {
  id: number;
  kind: StepKind;
  name: string;
  externalId?: string;
  body?: string;
  inputs?: string;
  outputs?: string;
  children: number[];
  outcomes: Outcome[];
  errorBehavior?: ErrorBehavior;
  compensation?: number;
  onFailure?: number;
  ensure?: number;
  when?: string;
  cancelCondition?: { fn: string; proceedOnCancel: boolean };
  params?: StepParams;
  label?: string;
}

/** Options of `onError('retry', …)` / `defaultOnError('retry', …)`; `interval` defaults to 60 s. */
export interface RetryOptions {
  readonly interval?: number;
  readonly maxRetries?: number;
  readonly backoff?: number;
  readonly maxInterval?: number;
}

/** A behaviour name (with retry options) or a whole behaviour, checked: an unknown name throws DEFINITION_INVALID naming `where`. */
function errorBehaviorOf(behavior: ErrorBehavior | ErrorBehavior['type'], options: RetryOptions, where: string): ErrorBehavior {
  const type = typeof behavior === 'string' ? behavior : (behavior as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !ERROR_BEHAVIOR_TYPES.has(type as ErrorBehavior['type'])) {
    throw new WfeError('DEFINITION_INVALID', `${where}: unknown error behaviour ${JSON.stringify(type ?? behavior)} (expected one of ${[...ERROR_BEHAVIOR_TYPES].join(', ')})`, { behavior: String(type) });
  }
  if (typeof behavior !== 'string') return behavior;
  if (behavior !== 'retry') return { type: behavior } as ErrorBehavior;
  const { interval = 60_000, maxRetries, backoff, maxInterval } = options;
  return {
    type: 'retry', interval,
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(backoff !== undefined ? { backoff } : {}),
    ...(maxInterval !== undefined ? { maxInterval } : {}),
  };
}

/** Build a branch; its first step is the first one the callback adds. */
function runBranch<T>(asm: Assembly, wf: WorkflowBuilder<T>, branch: Branch<T>): number {
  const first = asm.steps.length;
  branch(new WorkflowBuilder<T>(asm, wf));
  if (asm.steps.length === first) throw new WfeError('DEFINITION_INVALID', `workflow ${asm.id}@${asm.version}: a branch adds no steps`);
  return first;
}

class Assembly {
  readonly steps: MutableStep[] = [];
  readonly registry = new Map<string, RegisteredFunction>();
  readonly attachments: { from: number; target: string }[] = [];
  constructor(readonly id: string, readonly version: number) {}

  add(kind: StepKind, name: string): MutableStep {
    const step: MutableStep = { id: this.steps.length, kind, name, children: [], outcomes: [] };
    this.steps.push(step);
    return step;
  }

  fn(step: MutableStep, role: string, f: (...args: never[]) => unknown): string {
    const name = `${this.id}@${this.version}/${step.id}.${role}`;
    this.registry.set(name, { kind: 'fn', fn: f });
    return name;
  }

  dyn<V extends Json>(step: MutableStep, role: string, v: unknown): Dyn<V> {
    return typeof v === 'function' ? { fn: this.fn(step, role, v as never) } : { value: v as V };
  }
}

/**
 * Builds a workflow definition, typed on the workflow's data.
 *
 * ```ts
 * const wf = workflow<{ n: number }>('count', 1)
 *   .startWith((ctx) => { ctx.data.n += 1; })
 *   .whileDo((d) => d.n < 3, (b) => b.startWith((ctx) => { ctx.data.n += 1; }))
 *   .build();
 * ```
 */
export function workflow<TData = Record<string, unknown>>(id: string, version = 1): WorkflowBuilder<TData> {
  return new WorkflowBuilder<TData>(new Assembly(id, version), undefined);
}

export class WorkflowBuilder<T> {
  private defaultErrorBehavior: ErrorBehavior = DEFAULT_ERROR_BEHAVIOR;
  private description?: string;
  /** @internal */
  constructor(readonly asm: Assembly, private readonly root: WorkflowBuilder<T> | undefined) {}

  /** The first step. */
  startWith(body: Body<T>, name?: string): StepBuilder<T> {
    return new StepBuilder<T>(this.asm, this.root ?? this, undefined).then(body, name);
  }

  /** The first step, built by a step method (`b => b.startWith(...)` is the same as `startWith`). */
  start(): StepBuilder<T> {
    return new StepBuilder<T>(this.asm, this.root ?? this, undefined);
  }

  /** Start with a saga (see `StepBuilder.saga`). */
  saga(branch: Branch<T>, name?: string): StepBuilder<T> {
    return this.start().saga(branch, name);
  }
  /** Start with parallel branches. */
  parallel(name?: string): ParallelBuilder<T> {
    return this.start().parallel(name);
  }
  /** Start with a sequence container. */
  sequence(branch: Branch<T>, name?: string): StepBuilder<T> {
    return this.start().sequence(branch, name);
  }
  ifDo(condition: (data: T, ctx: StepContext<T>) => boolean, branch: Branch<T>): StepBuilder<T> {
    return this.start().ifDo(condition, branch);
  }
  whileDo(condition: (data: T, ctx: StepContext<T>) => boolean, branch: Branch<T>): StepBuilder<T> {
    return this.start().whileDo(condition, branch);
  }
  forEach<I extends Json>(collection: (data: T, ctx: StepContext<T>) => readonly I[], branch: Branch<T>, options?: ForEachOptions<T>): StepBuilder<T> {
    return this.start().forEach(collection, branch, options);
  }
  decide(expression: (data: T, ctx: StepContext<T>) => Json, name?: string): DecideBuilder<T> {
    return this.start().decide(expression, name);
  }
  waitFor(eventName: Value<T, string>, eventKey: Value<T, string>, effectiveDate?: Value<T, number>, options?: { timeout?: Value<T, number> }): StepBuilder<T> {
    return this.start().waitFor(eventName, eventKey, effectiveDate, options);
  }
  delay(duration: Value<T, number>): StepBuilder<T> {
    return this.start().delay(duration);
  }
  schedule(interval: Value<T, number>, branch: Branch<T>): StepBuilder<T> {
    return this.start().schedule(interval, branch);
  }
  recur(interval: Value<T, number>, until: (data: T, ctx: StepContext<T>) => boolean, branch: Branch<T>): StepBuilder<T> {
    return this.start().recur(interval, until, branch);
  }
  activity(activityName: Value<T, string>, parameters?: (data: T, ctx: StepContext<T>) => Json): StepBuilder<T> {
    return this.start().activity(activityName, parameters);
  }

  /** What happens when a step fails and says nothing itself (the same behaviours as `onError`). Default: retry every 60 s, 3 times, then suspend. */
  defaultOnError(behavior: ErrorBehavior | ErrorBehavior['type'], options: RetryOptions = {}): this {
    this.defaultErrorBehavior = errorBehaviorOf(behavior, options, `workflow ${this.asm.id}@${this.asm.version}, defaultOnError`);
    return this;
  }

  describe(text: string): this {
    this.description = text;
    return this;
  }

  /** @internal */
  finish(): BuiltWorkflow<T> {
    const byExternal = new Map(this.asm.steps.filter((s) => s.externalId).map((s) => [s.externalId as string, s.id]));
    for (const a of this.asm.attachments) {
      const target = byExternal.get(a.target);
      if (target === undefined) {
        throw new WfeError('DEFINITION_INVALID', `workflow ${this.asm.id}@${this.asm.version}: attach to unknown step id '${a.target}'`, { target: a.target });
      }
      this.asm.steps[a.from]?.outcomes.push({ next: target });
    }
    const definition: WorkflowDefinition = {
      id: this.asm.id,
      version: this.asm.version,
      ...(this.description ? { description: this.description } : {}),
      steps: this.asm.steps.map((s) => ({ ...s }) as StepDef),
      defaultErrorBehavior: this.defaultErrorBehavior,
    };
    validateDefinition(definition);
    return { definition, registry: this.asm.registry };
  }
}

/** Positioned on the step just added: methods without a step argument configure it. */
export class StepBuilder<T> {
  /** @internal */
  constructor(
    private readonly asm: Assembly,
    private readonly wf: WorkflowBuilder<T>,
    private readonly current: MutableStep | undefined,
  ) {}

  /** The id of the step this builder is on. */
  get stepId(): number {
    return this.at().id;
  }

  private at(): MutableStep {
    if (!this.current) throw new WfeError('DEFINITION_INVALID', `workflow ${this.asm.id}: configure a step after startWith/then`);
    return this.current;
  }

  /** Add a step after the current one (or the first), and move to it. */
  private next(kind: StepKind, name: string): StepBuilder<T> {
    const step = this.asm.add(kind, name);
    if (this.current) this.current.outcomes.push({ next: step.id });
    return new StepBuilder<T>(this.asm, this.wf, step);
  }

  /** A step: a function, a class with `run(ctx)`, or `{ name, run }`. */
  then(body: Body<T>, name?: string): StepBuilder<T> {
    const isClass = typeof body === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(body));
    const label = typeof body === 'function' ? body.name || 'step' : body.name;
    const b = this.next('task', name ?? label);
    const step = b.at();
    const registryName = `${this.asm.id}@${this.asm.version}/${step.id}.body`;
    if (isClass) this.asm.registry.set(registryName, { kind: 'class', cls: body as StepBodyClass<never> });
    else this.asm.registry.set(registryName, { kind: 'body', fn: (typeof body === 'function' ? body : body.run) as StepFn<never> });
    step.body = registryName;
    step.label = isClass ? `class ${label}` : 'function';
    return b;
  }

  /** A function step (the same as `then(fn)`). */
  thenFn(fn: StepFn<T>, name?: string): StepBuilder<T> {
    return this.then(fn, name);
  }

  name(name: string): this {
    this.at().name = name;
    return this;
  }

  /** Give the step an id, the target of `attach`. */
  id(externalId: string): this {
    this.at().externalId = externalId;
    return this;
  }

  /** Continue at the step with this id (a goto within the current scope: loops). */
  attach(externalId: string): this {
    this.asm.attachments.push({ from: this.at().id, target: externalId });
    return this;
  }

  /** Input mapping, applied before every execution: its value is `ctx.input` (and is assigned onto a class step). */
  input<TIn>(map: (data: T, ctx: StepContext<T>) => TIn): this {
    this.at().inputs = this.asm.fn(this.at(), 'input', map as never);
    return this;
  }

  /** Output mapping, applied when the step proceeds: change the (draft) data from the step's output. */
  output(map: (data: Draft<T>, output: any, ctx: StepContext<T>) => void): this {
    this.at().outputs = this.asm.fn(this.at(), 'output', map as never);
    return this;
  }

  /**
   * What to do when this step fails. On a container (a saga, or one with a compensation): what
   * follows once its compensations have run. An unknown behaviour is a definition error here.
   */
  onError(behavior: ErrorBehavior | ErrorBehavior['type'], options: RetryOptions = {}): this {
    this.at().errorBehavior = errorBehaviorOf(behavior, options, `workflow ${this.asm.id}@${this.asm.version}, step ${this.at().id} (${this.at().name})`);
    return this;
  }

  /** Undo this step (or container) with one step. */
  compensateWith(body: Body<T>, name?: string): this {
    const sub = new WorkflowBuilder<T>(this.asm, this.wf).startWith(body, name ?? `compensate ${this.at().name}`);
    this.at().compensation = sub.stepId;
    return this;
  }

  /** Undo this step with a sequence of steps. */
  compensateWithSequence(branch: Branch<T>): this {
    this.at().compensation = this.container('sequence', `compensate ${this.at().name}`, [branch]).id;
    return this;
  }

  /** With `onError('fail')`: a block run when this step (or container) fails, before the failure goes on outward. */
  onFailure(branch: Branch<T>): this {
    this.at().onFailure = this.container('sequence', `on failure of ${this.at().name}`, [branch]).id;
    return this;
  }

  /** A block run after this step ends, whether it succeeded (then the flow goes on after the block) or failed. */
  ensure(branch: Branch<T>): this {
    this.at().ensure = this.container('sequence', `ensure after ${this.at().name}`, [branch]).id;
    return this;
  }

  /** Cancel this step (and everything inside it) when the predicate holds; continue after it if `proceedOnCancel`. */
  cancelCondition(predicate: (data: T) => boolean, proceedOnCancel = false): this {
    this.at().cancelCondition = { fn: this.asm.fn(this.at(), 'cancel', predicate as never), proceedOnCancel };
    return this;
  }

  /** Skip this step (the flow goes on) unless the predicate holds. */
  runIf(predicate: (data: T, ctx: StepContext<T>) => boolean): this {
    this.at().when = this.asm.fn(this.at(), 'when', predicate as never);
    return this;
  }

  private container(kind: StepKind, name: string, branches: readonly Branch<T>[], params?: StepParams): MutableStep {
    const step = this.asm.add(kind, name);
    if (params) step.params = params;
    for (const branch of branches) step.children.push(runBranch(this.asm, this.wf, branch));
    return step;
  }


  private thenContainer(kind: StepKind, name: string, branches: readonly Branch<T>[], params?: StepParams): StepBuilder<T> {
    const b = this.next(kind, name);
    const step = b.at();
    if (params) step.params = params;
    for (const branch of branches) step.children.push(runBranch(this.asm, this.wf, branch));
    return b;
  }

  /** Run the branch when the condition holds, then go on. */
  ifDo(condition: (data: T, ctx: StepContext<T>) => boolean, branch: Branch<T>): StepBuilder<T> {
    const b = this.thenContainer('if', 'if', [branch]);
    b.at().params = { condition: this.asm.fn(b.at(), 'condition', condition as never) };
    return b;
  }

  /** Run the branch again and again while the condition holds. */
  whileDo(condition: (data: T, ctx: StepContext<T>) => boolean, branch: Branch<T>): StepBuilder<T> {
    const b = this.thenContainer('while', 'while', [branch]);
    b.at().params = { condition: this.asm.fn(b.at(), 'condition', condition as never) };
    return b;
  }

  /**
   * Run the branch for each item (`ctx.item`): all at once by default, one after another with
   * `sequential` (a constant, or decided from the data when the loop starts, as workflow-core's
   * `runParallel`).
   */
  forEach<I extends Json>(collection: (data: T, ctx: StepContext<T>) => readonly I[], branch: Branch<T>, options: ForEachOptions<T> = {}): StepBuilder<T> {
    const b = this.thenContainer('forEach', 'forEach', [branch]);
    const s = b.at();
    const { sequential } = options;
    s.params = {
      collection: this.asm.fn(s, 'collection', collection as never),
      ...(sequential === true ? { sequential: true } : {}),
      ...(typeof sequential === 'function' ? { sequentialIf: this.asm.fn(s, 'sequential', sequential as never) } : {}),
    };
    return b;
  }

  /** Branches that run at the same time: `.parallel().do(a).do(b).join()`. */
  parallel(name = 'parallel'): ParallelBuilder<T> {
    return new ParallelBuilder<T>(this.next('parallel', name).at(), this.asm, this.wf);
  }

  /** A saga: when a step inside fails, the completed steps inside are compensated, most recent first. */
  saga(branch: Branch<T>, name = 'saga'): StepBuilder<T> {
    return this.thenContainer('saga', name, [branch]);
  }

  /** A group of steps run in order, as one step (for compensation, error handling, or `when`). */
  sequence(branch: Branch<T>, name = 'sequence'): StepBuilder<T> {
    return this.thenContainer('sequence', name, [branch]);
  }

  /**
   * Run every branch whose value equals the expression (or whose predicate holds). Without an
   * expression, only predicate branches make sense (a value branch is a definition error).
   */
  decide(expression?: (data: T, ctx: StepContext<T>) => Json, name = 'decide'): DecideBuilder<T> {
    const b = this.next('decide', name);
    if (expression) b.at().params = { expression: this.asm.fn(b.at(), 'expression', expression as never) };
    return new DecideBuilder<T>(b.at(), this.asm, this.wf, b);
  }

  /**
   * A block run when the current step's outcome equals `match` (or `match(outcome, data, ctx)`
   * holds): `.when('a').do(b => …)`, or `.when('a', b => …)`. Consecutive `when` blocks form one
   * group (workflow-core's OutcomeSwitch): every matching block runs, side by side, and the step
   * chained after the group runs once every matched block has ended (at once when none matched).
   */
  when(match: Json | WhenPredicate<T>): WhenBuilder<T>;
  when(match: Json | WhenPredicate<T>, branch: Branch<T>, label?: string): StepBuilder<T>;
  when(match: Json | WhenPredicate<T>, branch?: Branch<T>, label?: string): WhenBuilder<T> | StepBuilder<T> {
    const block = (b: Branch<T>, l?: string): StepBuilder<T> => {
      const group = this.current?.kind === 'switch' ? (this as StepBuilder<T>) : this.next('switch', 'when');
      const sw = group.at();
      const index = sw.children.length;
      const c: { value?: Json; fn?: string; label?: string } = typeof match === 'function'
        ? { fn: this.asm.fn(sw, `case${index}`, match as never) }
        : { value: match };
      sw.children.push(runBranch(this.asm, this.wf, b));
      sw.params = { cases: [...(sw.params?.cases ?? []), { ...c, ...(l ? { label: l } : {}) }] };
      return group;
    };
    if (branch) return block(branch, label);
    return { do: (b: Branch<T>, l?: string) => block(b, l) };
  }

  /**
   * Wait for an external event with this name and key (effective at or after `effectiveDate`,
   * default: any time). With `timeout` (ms), the step fails with a `Timeout` error (handled by its
   * `onError` like any failure) when no event has come that long after the wait began.
   */
  waitFor(eventName: Value<T, string>, eventKey: Value<T, string>, effectiveDate?: Value<T, number>, options: { timeout?: Value<T, number> } = {}): StepBuilder<T> {
    const b = this.next('waitFor', `waitFor ${typeof eventName === 'string' ? eventName : 'event'}`);
    const s = b.at();
    s.params = {
      eventName: this.asm.dyn(s, 'eventName', eventName),
      eventKey: this.asm.dyn(s, 'eventKey', eventKey),
      ...(effectiveDate !== undefined ? { effectiveDate: this.asm.dyn(s, 'effectiveDate', effectiveDate) } : {}),
      ...(options.timeout !== undefined ? { timeout: this.asm.dyn(s, 'timeout', options.timeout) } : {}),
    };
    return b;
  }

  /** Sleep (ms); a sleeping instance holds no worker. */
  delay(duration: Value<T, number>): StepBuilder<T> {
    const b = this.next('delay', 'delay');
    b.at().params = { duration: this.asm.dyn(b.at(), 'duration', duration) };
    return b;
  }

  /** After `interval` ms, run the branch once; the steps after this one start at once. */
  schedule(interval: Value<T, number>, branch: Branch<T>): StepBuilder<T> {
    const b = this.thenContainer('schedule', 'schedule', [branch]);
    b.at().params = { interval: this.asm.dyn(b.at(), 'interval', interval) };
    return b;
  }

  /** Every `interval` ms, run the branch until `until` holds; the steps after this one start at once. */
  recur(interval: Value<T, number>, until: (data: T, ctx: StepContext<T>) => boolean, branch: Branch<T>): StepBuilder<T> {
    const b = this.thenContainer('recur', 'recur', [branch]);
    b.at().params = { interval: this.asm.dyn(b.at(), 'interval', interval), until: this.asm.fn(b.at(), 'until', until as never) };
    return b;
  }

  /** A task done by an external worker (`host.activities`); its result is the step's output. */
  activity(activityName: Value<T, string>, parameters?: (data: T, ctx: StepContext<T>) => Json): StepBuilder<T> {
    const b = this.next('activity', `activity ${typeof activityName === 'string' ? activityName : ''}`.trim());
    const s = b.at();
    s.params = { activityName: this.asm.dyn(s, 'activityName', activityName), ...(parameters ? { parameters: this.asm.fn(s, 'parameters', parameters as never) } : {}) };
    return b;
  }

  /** Complete the workflow at once. */
  endWorkflow(): StepBuilder<T> {
    return this.next('end', 'endWorkflow');
  }

  /** The finished definition and its functions. */
  build(): BuiltWorkflow<T> {
    return this.wf.finish();
  }
}

export class ParallelBuilder<T> {
  constructor(private readonly step: MutableStep, private readonly asm: Assembly, private readonly wf: WorkflowBuilder<T>) {}
  do(branch: Branch<T>): this {
    this.step.children.push(runBranch(this.asm, this.wf, branch));
    return this;
  }
  join(): StepBuilder<T> {
    return new StepBuilder<T>(this.asm, this.wf, this.step);
  }
}

/** `.when(match)` waiting for its block: `.do(b => …)` adds it to the group and returns the group. */
export interface WhenBuilder<T> {
  do(branch: Branch<T>, label?: string): StepBuilder<T>;
}

export class DecideBuilder<T> {
  constructor(private readonly step: MutableStep, private readonly asm: Assembly, private readonly wf: WorkflowBuilder<T>, private readonly b: StepBuilder<T>) {}
  /** Run `branch` when the expression equals `value`, or when `value(expr, data, ctx)` holds. */
  branch(value: Json | WhenPredicate<T>, branch: Branch<T>): this {
    if (typeof value !== 'function' && this.step.params?.expression === undefined) {
      throw new WfeError('DEFINITION_INVALID', `workflow ${this.asm.id}@${this.asm.version}, step ${this.step.id} (${this.step.name}): a value branch (${JSON.stringify(value)}) needs decide(expression); without one, give predicates`, { value });
    }
    const first = runBranch(this.asm, this.wf, branch);
    if (typeof value === 'function') this.step.outcomes.push({ next: first, fn: this.asm.fn(this.step, `branch${this.step.outcomes.length}`, value as never) });
    else this.step.outcomes.push({ next: first, value });
    return this;
  }
  /** Back to the decide step (e.g. to set its name or error behaviour). */
  end(): StepBuilder<T> {
    return this.b;
  }
}
