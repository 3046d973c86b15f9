import type { StepFailure } from './errors.js';
import type { DataPatch } from './events.js';
import type { Json } from './json.js';

/**
 * What running a pointer's user code produced, recorded by the runtime and interpreted by `decide`.
 * Which kind the runtime sends depends on the step kind (see `runtime/step-runner.ts`).
 */
export type Execution =
  /** The step proceeds: `matched` lists the indexes of predicate outcomes that held. */
  | { readonly kind: 'completed'; readonly outcome?: Json; readonly matched?: readonly number[]; readonly patches?: readonly DataPatch[] }
  /** `during: 'cancelCondition'`: the step's cancel condition threw while the step waited (fails it there). */
  | { readonly kind: 'failed'; readonly error: StepFailure; readonly during?: 'cancelCondition' }
  /** Run again at `dueAt` (delay, custom sleeps). */
  | { readonly kind: 'sleep'; readonly dueAt: number; readonly persistenceData?: Json }
  /** Wait for an external event; with `timeoutAt`, the step runs again then if none came (and fails). */
  | { readonly kind: 'wait'; readonly name: string; readonly key: string; readonly asOf: number; readonly timeoutAt?: number; readonly activity?: { readonly name: string; readonly parameters: Json } }
  /** `when` was false. */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** if / while: the condition; recur: the `until` condition. */
  | { readonly kind: 'condition'; readonly value: boolean }
  /** forEach: the collection, and whether to run it item after item (absent: the definition's `sequential`). */
  | { readonly kind: 'collection'; readonly items: readonly Json[]; readonly sequential?: boolean }
  /**
   * sequence / parallel / saga, and schedule when its timer is due. switch: `matched` lists the
   * indexes of the predicate cases that held (value cases are matched by `decide`).
   */
  | { readonly kind: 'enter'; readonly matched?: readonly number[] }
  /** schedule / recur on first run: the interval before the body runs. */
  | { readonly kind: 'interval'; readonly ms: number }
  /** endWorkflow */
  | { readonly kind: 'end' };

export type Command =
  | { readonly type: 'Start'; readonly instanceId: string; readonly data: Json; readonly reference?: string; readonly parentInstanceId?: string; readonly definitionHash?: string }
  | { readonly type: 'Execute'; readonly pointerId: number; readonly attempt: number; readonly startedAt: number; readonly execution: Execution }
  | { readonly type: 'DeliverEvent'; readonly pointerId: number; readonly event: { readonly id: string; readonly name: string; readonly key: string; readonly data: Json; readonly effectiveAt: number } }
  | { readonly type: 'Cancel'; readonly pointerId: number; readonly proceed: boolean; readonly reason: string }
  | { readonly type: 'Suspend'; readonly reason: string }
  | { readonly type: 'Resume' }
  | { readonly type: 'Terminate'; readonly reason: string }
  | { readonly type: 'ChangeData'; readonly patches: readonly DataPatch[]; readonly reason: string };

/** Inputs from outside the domain: the time of the decision. */
export interface DecideContext {
  readonly now: number;
}
