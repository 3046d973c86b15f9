import { activePointers, type ExecutionPointer, type InstanceState } from './state.js';

/** Pointers to run now, in creation order: active and pending, sleeping past `now`, or waiting past their timeout. */
export function runnablePointers(state: InstanceState, now: number): ExecutionPointer[] {
  if (state.status !== 'runnable') return [];
  return activePointers(state).filter(
    (p) =>
      p.status === 'pending' ||
      p.status === 'running' ||
      (p.status === 'sleeping' && (p.sleepUntil ?? 0) <= now) ||
      (p.status === 'waitingForEvent' && p.eventTimeoutAt !== undefined && p.eventTimeoutAt <= now),
  );
}

/** When the instance next has work of its own (ignoring events): now if something is runnable, the earliest timer or wait timeout, or undefined. */
export function nextDueAt(state: InstanceState, now: number): number | undefined {
  if (state.status !== 'runnable') return undefined;
  let due: number | undefined;
  for (const p of activePointers(state)) {
    if (p.status === 'pending' || p.status === 'running') return now;
    if (p.status === 'sleeping') due = Math.min(due ?? Number.POSITIVE_INFINITY, p.sleepUntil ?? now);
    if (p.status === 'waitingForEvent' && p.eventTimeoutAt !== undefined) due = Math.min(due ?? Number.POSITIVE_INFINITY, p.eventTimeoutAt);
  }
  return due;
}

/** Pointers waiting for an external event. */
export function waitingPointers(state: InstanceState): ExecutionPointer[] {
  if (state.status !== 'runnable') return [];
  return activePointers(state).filter((p) => p.status === 'waitingForEvent');
}
