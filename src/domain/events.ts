import type { StepFailure } from './errors.js';
import type { Json } from './json.js';

/** One change to the workflow data, in immer's patch format (paths are arrays). */
export interface DataPatch {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: readonly (string | number)[];
  readonly value?: Json;
}

/** A pointer to create: one activation of a step. */
export interface NewPointer {
  readonly id: number;
  readonly stepId: number;
  /** Enclosing container pointers, innermost first. */
  readonly scope: readonly number[];
  readonly predecessorId?: number;
  /** forEach: the item this branch works on (inherited by the branch's successors). */
  readonly item?: Json;
  readonly hasItem?: boolean;
  /** Compensation pointers: the pointer this one undoes. */
  readonly compensates?: number;
  /** Retry of a container: how many times it has been re-run. */
  readonly retryCount?: number;
  /** Not runnable before this time (ms). */
  readonly sleepUntil?: number;
  /** Handler chain links: which chain and which link. */
  readonly chainId?: number;
  readonly chainIndex?: number;
  /** Inside a handler (compensation, on_failure, ensure): runs even while the workflow is failing. */
  readonly handler?: boolean;
}

/** What happens when a handler chain (compensations, on_failure, ensure) has run to its end. */
export type ChainThen =
  /** Go on after this pointer's step: its outcomes are activated. */
  | { readonly kind: 'resume'; readonly pointerId: number }
  /** Re-run this container pointer's step as a new pointer, after `delay` ms. */
  | { readonly kind: 'retry'; readonly pointerId: number; readonly delay: number }
  /** The flow stops here; the workflow fails once nothing else is active. */
  | { readonly kind: 'fail' }
  /** A container's `onError('terminate')`: the workflow is terminated. */
  | { readonly kind: 'terminate'; readonly reason: string }
  /**
   * A container's `onError('suspend')` (or its retries run out): the container pointer's step is
   * activated again as a new pointer and the workflow is suspended; resuming re-runs its body.
   */
  | { readonly kind: 'suspend'; readonly pointerId: number; readonly reason: string }

  /** Nothing more: the branch ends. */
  | { readonly kind: 'stop' };

export interface ChainLink {
  readonly stepId: number;
  /** The pointer this link compensates (marked `compensated` when the link completes). */
  readonly compensates?: number;
  readonly scope: readonly number[];
}

interface Base<T extends string> {
  readonly type: T;
  /** Schema version of this event type; older versions are upcast on read. */
  readonly v: 1;
  /** When the decision was made (ms since epoch), passed in: never read from a clock here. */
  readonly at: number;
}

export interface WorkflowStarted extends Base<'WorkflowStarted'> {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly data: Json;
  readonly reference?: string;
  /** Set for a child workflow: the instance that started it (told when this one ends). */
  readonly parentInstanceId?: string;
  /** Content hash of the stored definition the instance runs (see the definition store). */
  readonly definitionHash?: string;
}
export interface StepsActivated extends Base<'StepsActivated'> {
  readonly pointers: readonly NewPointer[];
}
export interface BranchesStarted extends Base<'BranchesStarted'> {
  /** The container pointer. */
  readonly pointerId: number;
  readonly persistenceData?: Json;
  readonly pointers: readonly NewPointer[];
}
export interface StepStarted extends Base<'StepStarted'> {
  readonly pointerId: number;
  readonly attempt: number;
}
export interface StepCompleted extends Base<'StepCompleted'> {
  readonly pointerId: number;
  readonly outcome?: Json;
  /** Changes the step's outputs made to the data. */
  readonly patches?: readonly DataPatch[];
}
export interface StepSkipped extends Base<'StepSkipped'> {
  readonly pointerId: number;
  readonly reason: string;
}
export interface StepFailed extends Base<'StepFailed'> {
  readonly pointerId: number;
  readonly attempt: number;
  readonly error: StepFailure;
}
export interface StepRetryScheduled extends Base<'StepRetryScheduled'> {
  readonly pointerId: number;
  readonly retryCount: number;
  readonly dueAt: number;
}
export interface TimerScheduled extends Base<'TimerScheduled'> {
  readonly pointerId: number;
  readonly dueAt: number;
  /** Step-private state kept across the sleep (a custom step's, or a loop's). */
  readonly persistenceData?: Json;
}
export interface TimerFired extends Base<'TimerFired'> {
  readonly pointerId: number;
}
export interface EventAwaited extends Base<'EventAwaited'> {
  readonly pointerId: number;
  readonly eventName: string;
  readonly eventKey: string;
  /** Only events effective at or after this time are delivered. */
  readonly asOf: number;
  /** Set when the wait is an activity for an external worker. */
  readonly activity?: { readonly name: string; readonly parameters: Json };
  /** When no event has come by then (ms), the step runs again and fails with a `Timeout`. */
  readonly timeoutAt?: number;
}
export interface EventReceived extends Base<'EventReceived'> {
  readonly pointerId: number;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventKey: string;
  readonly eventData: Json;
  readonly effectiveAt: number;
}
export interface CompensationStarted extends Base<'CompensationStarted'> {
  /** The pointer whose failure started it. */
  readonly pointerId: number;
  readonly chainId: number;
  readonly links: readonly ChainLink[];
  readonly then: ChainThen;
  /** Why: 'compensate' (saga, compensateWith), 'fail' (on_failure / ensure after a failure) or 'ensure' (after success). */
  readonly reason: 'compensate' | 'fail' | 'ensure';
  /** Pointers that end `failed` here (the failing one and the containers the failure leaves). */
  readonly failed: readonly number[];
}
export interface CompensationCompleted extends Base<'CompensationCompleted'> {
  readonly chainId: number;
}
/** A container's block has ended (every pointer inside it, at any depth): the container runs again. */
export interface BranchCompleted extends Base<'BranchCompleted'> {
  readonly pointerId: number;
  readonly persistenceData?: Json;
}
export interface StepCompensated extends Base<'StepCompensated'> {
  readonly pointerId: number;
}
export interface StepCancelled extends Base<'StepCancelled'> {
  readonly pointerIds: readonly number[];
  readonly reason: string;
}
export interface DataChanged extends Base<'DataChanged'> {
  readonly patches: readonly DataPatch[];
  readonly reason: string;
}
export interface WorkflowSuspended extends Base<'WorkflowSuspended'> {
  readonly reason: string;
}
export interface WorkflowResumed extends Base<'WorkflowResumed'> {}
export interface WorkflowTerminated extends Base<'WorkflowTerminated'> {
  readonly reason: string;
}
export interface WorkflowCompleted extends Base<'WorkflowCompleted'> {}
export interface WorkflowFailed extends Base<'WorkflowFailed'> {
  readonly error?: StepFailure;
}
export interface ForkedFrom extends Base<'ForkedFrom'> {
  readonly instanceId: string;
  readonly version: number;
}

/** Every state change of a workflow instance. One union, exhaustively handled by `evolve`. */
export type WorkflowEvent =
  | WorkflowStarted
  | StepsActivated
  | BranchesStarted
  | StepStarted
  | StepCompleted
  | StepSkipped
  | StepFailed
  | StepRetryScheduled
  | TimerScheduled
  | TimerFired
  | EventAwaited
  | EventReceived
  | CompensationStarted
  | CompensationCompleted
  | BranchCompleted
  | StepCompensated
  | StepCancelled
  | DataChanged
  | WorkflowSuspended
  | WorkflowResumed
  | WorkflowTerminated
  | WorkflowCompleted
  | WorkflowFailed
  | ForkedFrom;

export type WorkflowEventType = WorkflowEvent['type'];

export const EVENT_TYPES: readonly WorkflowEventType[] = [
  'WorkflowStarted', 'StepsActivated', 'BranchesStarted', 'StepStarted', 'StepCompleted', 'StepSkipped',
  'StepFailed', 'StepRetryScheduled', 'TimerScheduled', 'TimerFired', 'EventAwaited', 'EventReceived',
  'CompensationStarted', 'CompensationCompleted', 'BranchCompleted', 'StepCompensated', 'StepCancelled', 'DataChanged', 'WorkflowSuspended',
  'WorkflowResumed', 'WorkflowTerminated', 'WorkflowCompleted', 'WorkflowFailed', 'ForkedFrom',
];
