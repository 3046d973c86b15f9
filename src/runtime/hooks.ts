import type { StepFailure } from '../domain/errors.js';
import type { WorkflowEvent } from '../domain/events.js';
import type { InstanceState } from '../domain/state.js';

/**
 * Telemetry: a typed channel beside the log, never part of it. Listeners run after the events they
 * describe are durable; a listener that throws is reported on `host:error` and changes nothing.
 */
export interface HostEvents {
  'workflow:started': { instanceId: string; definitionId: string; version: number };
  'workflow:completed': { instanceId: string; state: InstanceState };
  'workflow:failed': { instanceId: string; error?: StepFailure; state: InstanceState };
  'workflow:terminated': { instanceId: string; reason: string };
  'workflow:suspended': { instanceId: string; reason: string };
  'workflow:resumed': { instanceId: string };
  'step:started': { instanceId: string; pointerId: number; stepId: number; stepName: string; attempt: number };
  'step:completed': { instanceId: string; pointerId: number; stepId: number; stepName: string };
  'step:failed': { instanceId: string; pointerId: number; stepId: number; stepName: string; error: StepFailure };
  /** Every event appended by this host, after it is durable. */
  'events:appended': { instanceId: string; events: readonly WorkflowEvent[]; version: number };
  'append:conflict': { instanceId: string; expectedVersion: number; actualVersion?: number };
  /** Something went wrong outside any workflow's own logic (a store down, a listener threw). */
  'host:error': { error: unknown; instanceId?: string; where: string; retryInMs?: number; repeated?: boolean };
  /** The store works again after `host:error`s with back-off. */
  'host:recovered': { where: string };
  /** A stored snapshot did not match the log and was not used (the state was folded from the log). */
  'snapshot:refused': { instanceId: string; version: number; reason: string };
}

export type HostEventName = keyof HostEvents;
export type HostListener<K extends HostEventName> = (payload: HostEvents[K]) => void;

/** What pre-workflow middleware sees: the instance about to start (its data is already decided). */
export interface WorkflowStartInfo {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly version: number;
  readonly data: unknown;
}

/**
 * Around a workflow's start (`pre`) and after its end (`post`), like workflow-core's
 * `IWorkflowMiddleware`: each takes `(ctx, next)` and wraps the ones registered after it, so the
 * first registered is outermost. A middleware that takes only `ctx` runs and then calls `next` itself.
 * A `pre` that throws refuses the start; a `post` that throws is reported on `host:error`.
 */
export interface WorkflowMiddleware {
  pre?(info: WorkflowStartInfo, next: () => Promise<void>): Promise<void> | void;
  post?(state: InstanceState, next: () => Promise<void>): Promise<void> | void;
}

/** Run middleware as a chain: each gets `next`, which runs the rest (then `last`). */
export async function runChain<C>(handlers: readonly ((ctx: C, next: () => Promise<void>) => Promise<void> | void)[], ctx: C, last: () => Promise<void> = async () => undefined): Promise<void> {
  const at = async (i: number): Promise<void> => {
    const h = handlers[i];
    if (!h) return last();
    let called = false;
    const next = () => {
      if (called) throw new Error('next() called twice by one middleware');
      called = true;
      return at(i + 1);
    };
    await h(ctx, next);
    if (h.length < 2 && !called) await next();
  };
  await at(0);
}
