import type { WorkflowDefinition } from '../domain/definition.js';
import type { WorkflowEvent } from '../domain/events.js';
import type { StoredEvent } from '../ports/event-log.js';

/** One line of an instance's history, for people: what happened, to which step, and the detail that matters. */
export interface TimelineRow {
  readonly version: number;
  /** ms since the instance started */
  readonly offset: number;
  readonly type: WorkflowEvent['type'];
  readonly pointerId?: number;
  readonly step?: string;
  readonly detail: string;
  readonly actor?: string;
}

/**
 * A projection of the log into a readable timeline (pure: events in, rows out). Step names come from
 * the definition the instance ran; pointers are followed through the events themselves.
 */
export function timeline(definition: WorkflowDefinition | undefined, events: readonly StoredEvent[]): TimelineRow[] {
  const stepOf = new Map<number, number>();
  const name = (pointerId: number | undefined) => {
    if (pointerId === undefined) return undefined;
    const stepId = stepOf.get(pointerId);
    return stepId === undefined ? `#${pointerId}` : (definition?.steps[stepId]?.name ?? `step ${stepId}`);
  };
  const start = events[0]?.event.at ?? 0;
  return events.map((stored) => {
    const e = stored.event;
    let pointerId: number | undefined = 'pointerId' in e ? (e as { pointerId: number }).pointerId : undefined;
    let detail = '';
    switch (e.type) {
      case 'WorkflowStarted':
        detail = `${e.definitionId}@${e.definitionVersion}${e.reference ? ` ref ${e.reference}` : ''}`;
        break;
      case 'StepsActivated':
      case 'BranchesStarted':
        for (const p of e.pointers) stepOf.set(p.id, p.stepId);
        detail = e.pointers.map((p) => `${name(p.id)}${p.hasItem ? ` [${JSON.stringify(p.item)}]` : ''}${p.compensates !== undefined ? ` (undoes ${name(p.compensates)})` : ''}`).join(', ');
        if (e.type === 'StepsActivated') pointerId = undefined;
        break;
      case 'StepStarted':
        detail = `attempt ${e.attempt}`;
        break;
      case 'StepCompleted':
        detail = [e.outcome !== undefined ? `outcome ${JSON.stringify(e.outcome)}` : '', e.patches?.length ? `${e.patches.length} data change(s): ${e.patches.map((p) => p.path.join('.') || '(all)').join(', ')}` : ''].filter(Boolean).join('; ');
        break;
      case 'StepFailed':
        detail = `${e.error.type}: ${e.error.message}`;
        break;
      case 'StepRetryScheduled':
        detail = `retry ${e.retryCount} in ${e.dueAt - e.at} ms`;
        break;
      case 'TimerScheduled':
        detail = `due in ${e.dueAt - e.at} ms`;
        break;
      case 'EventAwaited':
        detail = e.activity ? `activity ${e.activity.name}` : `${e.eventName} / ${e.eventKey}`;
        break;
      case 'EventReceived':
        detail = `${e.eventName} / ${e.eventKey}: ${JSON.stringify(e.eventData)}`;
        break;
      case 'CompensationStarted':
        detail = `${e.reason}: ${e.links.map((l) => definition?.steps[l.stepId]?.name ?? l.stepId).join(' → ') || 'nothing to run'}, then ${e.then.kind}`;
        break;
      case 'StepCancelled':
        detail = `${e.pointerIds.map(name).join(', ')}: ${e.reason}`;
        break;
      case 'WorkflowSuspended':
      case 'WorkflowTerminated':
        detail = e.reason;
        break;
      case 'WorkflowFailed':
        detail = e.error ? `${e.error.type}: ${e.error.message}` : '';
        break;
      case 'DataChanged':
        detail = e.reason;
        break;
      case 'ForkedFrom':
        detail = `${e.instanceId} at version ${e.version}`;
        break;
      default:
        break;
    }
    return {
      version: stored.version,
      offset: e.at - start,
      type: e.type,
      ...(pointerId !== undefined ? { pointerId, step: name(pointerId) } : {}),
      detail,
      ...(stored.meta.actor ? { actor: stored.meta.actor } : {}),
    };
  });
}
