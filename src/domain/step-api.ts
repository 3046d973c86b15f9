import type { Json } from './json.js';

/**
 * What step code sees and returns. These are types only: step code runs in the runtime, never in
 * the domain, and whatever it returns is recorded in an event.
 */
export interface StepContext<TData = unknown> {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly reference?: string;
  /**
   * The workflow data. Inside a step body it is a draft: changes made to it are recorded
   * (as patches in `StepCompleted`) when the step proceeds, and dropped when it fails.
   */
  readonly data: TData;
  readonly step: { readonly id: number; readonly name: string; readonly externalId?: string };
  readonly pointerId: number;
  /** 1 for the first execution of this pointer, 2 for its first retry, ... */
  readonly attempt: number;
  /** `instanceId:pointerId:attempt`: the same across re-executions after a crash, new for each retry. */
  readonly idempotencyKey: string;
  /** forEach: the item of the enclosing branch. */
  readonly item: unknown;
  /** The value the input mapping returned (undefined without one). */
  readonly input: unknown;
  /** Step-private state carried across a `sleep` (custom steps). */
  readonly persistenceData: Json | undefined;
  /** The event delivered to a waitFor/activity step. */
  readonly event?: { readonly name: string; readonly key: string; readonly data: Json; readonly effectiveAt: number };
  /** Aborted when the host stops hard or the step times out. */
  readonly signal: AbortSignal;
  /** The host's time when the step started (ms). */
  readonly now: number;
  /** The step's static configuration (YAML `config`). */
  readonly config: Json | undefined;
  /** Start child workflows (composition). */
  readonly workflows: ChildWorkflows;
  /** Set when the instance is a fork: the original and the version it was forked at (side effects may want to know). */
  readonly forkedFrom?: { readonly instanceId: string; readonly version: number };
  /**
   * True when the code runs to re-create a recorded result rather than to act (a sandbox that
   * re-runs recorded steps). The host's runs, forks included, are live: false. Replays of the log
   * never run step code at all.
   */
  readonly isReplay?: boolean;
}

/**
 * Starting a child workflow from a step. When the child ends, the host publishes the external event
 * `CHILD_ENDED_EVENT` with key = child instance id and data `{ status, data, error? }`; a step
 * usually returns `Result.waitForEvent(CHILD_ENDED_EVENT, childId, 0)` and, when it runs again with
 * `ctx.event` set, reads the child's result from it.
 */
export interface ChildWorkflows {
  /** Idempotent: the same `childId` starts at most one child. */
  startChild(request: { definitionId: string; version?: number; data: Json; childId: string }): Promise<string>;
}

export const CHILD_ENDED_EVENT = 'wfe.child-ended';

const RESULT = '__wfeResult' as const;

/** Control flow a step body can return instead of a plain output. */
export type StepResult =
  | { readonly [RESULT]: true; readonly kind: 'next'; readonly output?: unknown }
  | { readonly [RESULT]: true; readonly kind: 'outcome'; readonly value: Json; readonly output?: unknown }
  | { readonly [RESULT]: true; readonly kind: 'sleep'; readonly ms: number; readonly persistenceData?: Json }
  | { readonly [RESULT]: true; readonly kind: 'waitForEvent'; readonly name: string; readonly key: string; readonly asOf?: number };

export const Result = {
  /** Proceed to the next step(s), optionally with an output for the output mapping. */
  next: (output?: unknown): StepResult => ({ [RESULT]: true, kind: 'next', output }),
  /** Proceed with an outcome value: the outcomes that match it are followed. */
  outcome: (value: Json, output?: unknown): StepResult => ({ [RESULT]: true, kind: 'outcome', value, output }),
  /** Run this step again after `ms`, with `persistenceData` in its context. */
  sleep: (ms: number, persistenceData?: Json): StepResult => ({ [RESULT]: true, kind: 'sleep', ms, persistenceData }),
  /** Wait for an external event, then run the step's successors. */
  waitForEvent: (name: string, key: string, asOf?: number): StepResult => ({ [RESULT]: true, kind: 'waitForEvent', name, key, asOf }),
};

export function isStepResult(v: unknown): v is StepResult {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[RESULT] === true;
}

/** A step body as a function: returns an output, a `StepResult`, or nothing. */
export type StepFn<TData = unknown> = (ctx: StepContext<TData>) => unknown;

/** A step body as a class: a fresh instance per execution; the input mapping's object is assigned onto it. */
export interface StepBody<TData = unknown> {
  run(ctx: StepContext<TData>): unknown;
}
export type StepBodyClass<TData = unknown> = new () => StepBody<TData>;

/** The functions a definition names. The builder and the YAML loader fill one; the host binds it. */
export type RegisteredFunction =
  | { readonly kind: 'body'; readonly fn: StepFn<never> }
  | { readonly kind: 'class'; readonly cls: StepBodyClass<never> }
  /** Input mapping `(data, ctx) => input`, output mapping `(draftData, output, ctx) => void`, predicates, values. */
  | { readonly kind: 'fn'; readonly fn: (...args: never[]) => unknown };

export type FunctionRegistry = ReadonlyMap<string, RegisteredFunction>;
