import type { WorkflowDefinition } from '../domain/definition.js';
import type { StepFailed, WorkflowEvent } from '../domain/events.js';
import { activePointers, findPointer, type InstanceState } from '../domain/state.js';
import type { Explanation } from './inspector.js';
import { stepNameOf } from './state-view.js';

/** An explanation, with where to fork to run the failed step again. */
export interface ExplanationWithFork extends Explanation {
  readonly failure?: NonNullable<Explanation['failure']> & {
    /** Fork at this version to run the failed step again (its pointer is due there). */
    readonly forkAt: number;
  };
}

const iso = (t: number) => new Date(t).toISOString();

/** The last failure in `events` (versions 1..n) and the version before its attempt started. */
function lastFailure(events: readonly WorkflowEvent[]): { event: StepFailed; version: number; forkAt: number } | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== 'StepFailed') continue;
    // The attempt's StepStarted (and a TimerFired right before it) belong to the same decision.
    let start = i;
    for (let j = i - 1; j >= 0; j--) {
      const s = events[j]!;
      if ((s.type === 'StepStarted' || s.type === 'TimerFired') && s.pointerId === e.pointerId) start = j;
      else if (s.type !== 'StepStarted' && s.type !== 'TimerFired') break;
    }
    return { event: e, version: i + 1, forkAt: start };
  }
  return undefined;
}

/**
 * Why an instance is where it is after `events` (its first `state.version` events): what it waits
 * for, until when it sleeps, or why it failed (step, error, attempts, and where to fork).
 */
export function explainState(definition: WorkflowDefinition | undefined, state: InstanceState, events: readonly WorkflowEvent[]): ExplanationWithFork {
  const name = (stepId: number) => stepNameOf(definition, stepId);
  const f = lastFailure(events);
  const failure = f
    ? (() => {
        const p = findPointer(state, f.event.pointerId);
        return {
          step: p ? name(p.stepId) : `#${f.event.pointerId}`,
          error: { type: f.event.error.type, message: f.event.error.message, ...(f.event.error.stack ? { stack: f.event.error.stack } : {}) },
          attempts: f.event.attempt,
          version: f.version,
          forkAt: f.forkAt,
        };
      })()
    : undefined;
  const fork = failure ? ` To run it again with corrected data: wfe fork ${state.instanceId} --at ${failure.forkAt} --set path=value.` : '';
  const failed = failure ? `step ${failure.step} failed (attempt ${failure.attempts}, version ${failure.version}): ${failure.error.type}: ${failure.error.message}.` : '';
  switch (state.status) {
    case 'complete':
      return { status: state.status, text: `Completed at ${iso(state.completedAt ?? state.updatedAt)} (version ${state.version}).` };
    case 'terminated': {
      const t = [...events].reverse().find((e) => e.type === 'WorkflowTerminated');
      return { status: state.status, text: `Terminated at ${iso(state.completedAt ?? state.updatedAt)}: ${t && t.type === 'WorkflowTerminated' ? t.reason : 'no reason recorded'}.`, ...(failure ? { failure } : {}) };
    }
    case 'failed':
      return {
        status: state.status,
        text: `Failed at ${iso(state.completedAt ?? state.updatedAt)}: ${failed || (state.failing ? `${state.failing.type}: ${state.failing.message}.` : 'no failure recorded.')}${fork}`,
        ...(failure ? { failure } : {}),
      };
    case 'suspended':
      return { status: state.status, text: `Suspended: ${state.suspendReason ?? 'no reason recorded'}. Resume it (wfe resume ${state.instanceId}) to go on.${failure ? ` Last failure: ${failed}` : ''}`, ...(failure ? { failure } : {}) };
    case 'runnable':
      break;
  }
  const active = activePointers(state);
  const waiting = active.filter((p) => p.status === 'waitingForEvent').map((p) => ({ step: name(p.stepId), name: p.eventName ?? '', key: p.eventKey ?? '' }));
  const sleeping = active.filter((p) => p.status === 'sleeping').map((p) => ({ step: name(p.stepId), until: p.sleepUntil ?? 0 }));
  const ready = active.filter((p) => p.status === 'pending' || p.status === 'running').map((p) => name(p.stepId));
  const parts: string[] = [];
  if (waiting.length) parts.push(`waits for ${waiting.map((w) => `${w.name}/${w.key} (step ${w.step})`).join(', ')}`);
  if (sleeping.length) parts.push(`sleeps until ${sleeping.map((s) => `${iso(s.until)} (step ${s.step})`).join(', ')}`);
  if (ready.length) parts.push(`is ready to run ${ready.join(', ')}`);
  const text = parts.length ? `Running: ${parts.join('; ')}.` : 'Running: nothing active (it ends at its next pass).';
  return {
    status: state.status,
    text: failure && state.failing ? `${text} Failing: ${failed}` : text,
    ...(waiting.length ? { waitingFor: waiting } : {}),
    ...(sleeping.length ? { sleepingUntil: sleeping } : {}),
    ...(failure && state.failing ? { failure } : {}),
  };
}
