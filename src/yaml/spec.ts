import type { Json } from '../domain/json.js';

/**
 * The YAML format as data, after parsing, merge keys, interpolation and schema validation.
 * Field names are the YAML keys (snake_case), so error messages and docs use one vocabulary.
 */
export interface WorkflowFileSpec {
  readonly workflow?: WorkflowSpec;
  readonly workflows?: readonly WorkflowSpec[];
}

/** One workflow of a file. */
export interface WorkflowSpec {
  readonly id: string;
  /** Default 1. */
  readonly version?: number;
  readonly name?: string;
  readonly description?: string;
  readonly error_behavior?: ErrorBehaviorSpec;
  /** Name → type (`string`, `number`, `integer`, `bool`, `any`, `T?`, `list<T>`, `map<T>`). */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Name → type; every non-optional output must be in the data when the workflow completes. */
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps: readonly StepSpec[];
}

/** What runs a step. */
export type StepType = 'shell' | 'deno' | 'workflow' | 'wait';

/** One step (top level, parallel child or hook). */
export interface StepSpec {
  readonly name: string;
  /** Default `shell`. Absent on a `parallel` step. */
  readonly type?: StepType;
  readonly config?: { readonly [key: string]: Json };
  /** What the step sees instead of the whole data: `{ name, path }` (from the data) or `{ name, value }`. */
  readonly inputs?: readonly StepInputSpec[];
  /** Outputs the step declares (for `when` checks and composition). */
  readonly outputs?: readonly (StepOutputSpec | string)[];
  readonly parallel?: readonly StepSpec[];
  readonly error_behavior?: ErrorBehaviorSpec;
  readonly on_success?: StepSpec | readonly StepSpec[];
  readonly on_failure?: StepSpec | readonly StepSpec[];
  readonly ensure?: StepSpec | readonly StepSpec[];
  readonly when?: ConditionSpec;
}

/** One entry of a step's `inputs`. */
export interface StepInputSpec {
  readonly name: string;
  readonly path?: string;
  readonly value?: Json;
}

/** One entry of a step's `outputs`. */
export interface StepOutputSpec {
  readonly name: string;
  readonly type?: string;
}

/** `error_behavior` of a workflow or a step. */
export interface ErrorBehaviorSpec {
  readonly type: 'retry' | 'suspend' | 'terminate' | 'compensate' | 'fail';
  readonly interval?: string | number;
  readonly max_retries?: number;
  readonly backoff?: number;
  readonly max_interval?: string | number;
}

/** Comparison operators of a `when` leaf: `{ field, <one op> }`. */
export const COMPARISON_OPS = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'contains', 'is_null', 'is_not_null'] as const;
/** Combinators of a `when` node: `{ <one combinator> }`. */
export const COMBINATORS = ['all', 'any', 'none', 'one_of', 'not'] as const;

/** An operator of a `when` leaf. */
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
/** A combinator of a `when` node. */
export type Combinator = (typeof COMBINATORS)[number];

/** A `when` condition: a leaf `{ field, op }` or one combinator. */
export type ConditionSpec =
  | ({ readonly field: string } & { readonly [op in ComparisonOp]?: Json })
  | { readonly all: readonly ConditionSpec[] }
  | { readonly any: readonly ConditionSpec[] }
  | { readonly none: readonly ConditionSpec[] }
  | { readonly one_of: readonly ConditionSpec[] }
  | { readonly not: ConditionSpec };
