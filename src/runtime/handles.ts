import type { Json } from '../domain/json.js';
import { nextDueAt } from '../domain/queries.js';
import { isTerminal, type InstanceState } from '../domain/state.js';

/** An instance id that remembers the workflow's data type (a plain string at run time). */
export type InstanceId<T = Json> = string & { readonly __data?: T };

/** The state of an instance whose data has type `T`. */
export type TypedState<T = Json> = Omit<InstanceState, 'data'> & { readonly data: T };

/**
 * When `waitForCompletion` returns: `ended` (complete, terminated, failed: the default) or `settled`
 * (also suspended, or runnable with nothing to do now: waiting for an event or sleeping).
 */
export type WaitUntil = 'ended' | 'settled';

/** Is the wait over for this state at `now`? */
export function isDone(state: InstanceState, until: WaitUntil, now: number): boolean {
  if (isTerminal(state.status)) return true;
  if (until === 'ended') return false;
  if (state.status !== 'runnable') return true;
  const due = nextDueAt(state, now);
  return due === undefined || due > now;
}

/** Calls on one instance, typed by its data (from `host.handle(id)` or `host.startHandle(workflow)`). */
export interface WorkflowHandle<T = Json> {
  readonly instanceId: InstanceId<T>;
  state(): Promise<TypedState<T>>;
  /** Resolves when it has ended (or settled, with `until: 'settled'`). */
  result(options?: { timeoutMs?: number; until?: WaitUntil }): Promise<TypedState<T>>;
  suspend(reason?: string): Promise<void>;
  resume(): Promise<void>;
  terminate(reason?: string): Promise<void>;
}
