import type { WorkflowDefinition } from '../domain/definition.js';
import type { WorkflowEvent } from '../domain/events.js';
import type { StoredEvent } from '../ports/event-log.js';
import { timeline } from '../projections/timeline.js';
import type { HistoryEntry } from './inspector.js';

const KIND: Record<WorkflowEvent['type'], HistoryEntry['kind']> = {
  WorkflowStarted: 'lifecycle',
  WorkflowSuspended: 'lifecycle',
  WorkflowResumed: 'lifecycle',
  WorkflowTerminated: 'lifecycle',
  WorkflowCompleted: 'lifecycle',
  WorkflowFailed: 'lifecycle',
  StepsActivated: 'step',
  BranchesStarted: 'step',
  BranchCompleted: 'step',
  StepStarted: 'step',
  StepCompleted: 'step',
  StepSkipped: 'step',
  StepFailed: 'step',
  StepRetryScheduled: 'retry',
  TimerScheduled: 'timer',
  TimerFired: 'timer',
  EventAwaited: 'wait',
  EventReceived: 'wait',
  CompensationStarted: 'compensation',
  CompensationCompleted: 'compensation',
  StepCompensated: 'compensation',
  StepCancelled: 'cancel',
  DataChanged: 'data',
  ForkedFrom: 'fork',
};

/** Every stored event of an instance, named for people: who, what (one line), when, why. */
export function historyEntries(definition: WorkflowDefinition | undefined, events: readonly StoredEvent[]): HistoryEntry[] {
  const rows = timeline(definition, events);
  return events.map((stored, i) => {
    const row = rows[i]!;
    const { meta } = stored;
    const summary = `${row.type}${row.step ? ` ${row.step}` : ''}${row.detail ? `: ${row.detail}` : ''}`;
    return {
      version: stored.version,
      position: stored.position,
      recordedAt: stored.recordedAt,
      at: stored.event.at,
      type: stored.event.type,
      event: stored.event,
      ...(meta.actor !== undefined ? { actor: meta.actor } : {}),
      ...(meta.reason !== undefined ? { reason: meta.reason } : {}),
      ...(meta.causationId !== undefined ? { causationId: meta.causationId } : {}),
      ...(meta.correlationId !== undefined ? { correlationId: meta.correlationId } : {}),
      hash: stored.hash,
      ...(row.pointerId !== undefined ? { pointerId: row.pointerId } : {}),
      ...(row.step !== undefined ? { step: row.step } : {}),
      summary,
      kind: KIND[stored.event.type],
    };
  });
}
