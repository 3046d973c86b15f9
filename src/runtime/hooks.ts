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

/** Before a workflow starts (may not change the data: it is already decided) and after it ends. */
export interface WorkflowMiddleware {
  pre?(info: { instanceId: string; definitionId: string; version: number; data: unknown }): Promise<void> | void;
  post?(state: InstanceState): Promise<void> | void;
}
