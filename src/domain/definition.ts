import type { Json } from './json.js';

/**
 * Glossary
 * - definition: a workflow's steps as serialisable data (id + version). Step code is not in it: steps
 *   name their functions, and a `FunctionRegistry` binds the names at run time.
 * - step: one node of the definition, addressed by its index in `steps`.
 * - instance: one run of a definition; one stream in the log.
 * - pointer: one activation of a step inside an instance (a step in a loop has many).
 * - attempt: one execution of a pointer's step (retries make more).
 */

/** A value known when the definition is written, or computed at run time by a named function. */
export type Dyn<T extends Json> = { readonly value: T } | { readonly fn: string };

export type ErrorBehavior =
  /** Retry after `interval` ms (times `backoff`^retry, capped at `maxInterval`); after `maxRetries` (default 3, 0 = unlimited) the workflow is suspended. */
  | { readonly type: 'retry'; readonly interval: number; readonly maxRetries?: number; readonly backoff?: number; readonly maxInterval?: number }
  /** Suspend the workflow; resuming re-runs the failed step at once. */
  | { readonly type: 'suspend' }
  /** Terminate the workflow; nothing else runs. */
  | { readonly type: 'terminate' }
  /** Compensate: the step's own compensation, then the enclosing saga's completed steps, most recent first. */
  | { readonly type: 'compensate' }
  /** Fail (pipelines): run `onFailure`/`ensure` handlers outward, then end the workflow `failed`. */
  | { readonly type: 'fail' };

export type StepKind =
  | 'task'
  | 'sequence'
  | 'if'
  | 'while'
  | 'forEach'
  | 'parallel'
  | 'decide'
  /** A group of `when` blocks after a step (workflow-core's OutcomeSwitch): every matching block runs, the group proceeds once they all ended. */
  | 'switch'
  | 'saga'
  | 'waitFor'
  | 'delay'
  | 'schedule'
  | 'recur'
  | 'activity'
  | 'end';

/** Where a step goes when it proceeds. `value` absent (and no `fn`) always matches. */
export interface Outcome {
  readonly next: number;
  /** Matches when the step's outcome value equals this (JSON equality). */
  readonly value?: Json;
  /** Matches when this named predicate `(outcomeValue, data) => boolean` is true. */
  readonly fn?: string;
  readonly label?: string;
}

/** One `when` block of a switch: matches the predecessor's outcome by value (absent: always) or by a named predicate. */
export interface WhenCase {
  /** Matches when the outcome equals this (JSON equality). */
  readonly value?: Json;
  /** Matches when this named predicate `(outcomeValue, data, ctx) => boolean` is true. */
  readonly fn?: string;
  readonly label?: string;
}

/** Kind-specific parameters; every `fn` names a function in the registry. */
export interface StepParams {
  /** if / while */
  readonly condition?: string;
  /** forEach */
  readonly collection?: string;
  /** forEach: run items one after another instead of all at once (the default). */
  readonly sequential?: boolean;
  /** forEach: named `(data, ctx) => boolean` deciding `sequential` from the data when the loop starts. */
  readonly sequentialIf?: string;
  /** decide: the value matched against the outcomes (absent: null, for predicate branches only). */
  readonly expression?: string;
  /** switch: one case per child, in the same order. */
  readonly cases?: readonly WhenCase[];
  /** waitFor */
  readonly eventName?: Dyn<string>;
  readonly eventKey?: Dyn<string>;
  /** waitFor: only events effective at or after this time (ms since epoch) count. */
  readonly effectiveDate?: Dyn<number>;
  /** waitFor: fail with a `Timeout` error when no event has come this long (ms) after the wait began. */
  readonly timeout?: Dyn<number>;
  /** delay (ms) */
  readonly duration?: Dyn<number>;
  /** schedule / recur (ms) */
  readonly interval?: Dyn<number>;
  /** recur: stop recurring when true. */
  readonly until?: string;
  /** activity */
  readonly activityName?: Dyn<string>;
  readonly parameters?: string;
  /** Free-form data for the step's body (YAML step config, for instance). */
  readonly config?: Json;
}

export interface StepDef {
  readonly id: number;
  readonly kind: StepKind;
  /** Display name (unique names are enforced by the YAML loader, not here). */
  readonly name: string;
  /** Set by the builder's `.id()`; target of `attach`. */
  readonly externalId?: string;
  /** task: the registered body's name. */
  readonly body?: string;
  /** Named input mapping `(data, ctx) => input`, applied before every execution. */
  readonly inputs?: string;
  /** Named output mapping `(draftData, output) => void`, applied only when the step proceeds. */
  readonly outputs?: string;
  /** Containers: the first step of each branch. */
  readonly children: readonly number[];
  readonly outcomes: readonly Outcome[];
  readonly errorBehavior?: ErrorBehavior;
  /** Step run to undo this one (a task or a `sequence`). */
  readonly compensation?: number;
  /** Handler block run when this step fails (YAML `on_failure`). */
  readonly onFailure?: number;
  /** Block run after this step ends, whether it succeeded or failed (YAML `ensure`). */
  readonly ensure?: number;
  /** Named predicate `(data) => boolean`; false skips the step (pointer `skipped`) and the flow goes on. */
  readonly when?: string;
  /** Named predicate `(data) => boolean`, checked while the step waits or runs; true cancels it. */
  readonly cancelCondition?: { readonly fn: string; readonly proceedOnCancel: boolean };
  readonly params?: StepParams;
  /** Kind of the step body for display (class name, 'shell', 'deno'...). */
  readonly label?: string;
}

/** A workflow definition: plain data, safe to JSON-encode, hash and diff. Steps are indexed by id; step 0 starts. */
export interface WorkflowDefinition {
  readonly id: string;
  readonly version: number;
  readonly description?: string;
  readonly steps: readonly StepDef[];
  readonly defaultErrorBehavior: ErrorBehavior;
  /** Declared outputs: each must be present in the data when the workflow completes (YAML). */
  readonly requiredOutputs?: readonly string[];
}

/** Every error behaviour name: anything else is a definition error. */
export const ERROR_BEHAVIOR_TYPES: ReadonlySet<ErrorBehavior['type']> = new Set<ErrorBehavior['type']>(['retry', 'suspend', 'terminate', 'compensate', 'fail']);

export const DEFAULT_ERROR_BEHAVIOR: ErrorBehavior = { type: 'retry', interval: 60_000, maxRetries: 3 };

export const CONTAINER_KINDS: ReadonlySet<StepKind> = new Set<StepKind>([
  'sequence', 'if', 'while', 'forEach', 'parallel', 'switch', 'saga', 'schedule', 'recur',
]);

export function isContainer(step: StepDef): boolean {
  return CONTAINER_KINDS.has(step.kind);
}
