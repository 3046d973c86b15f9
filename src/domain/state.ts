import type { ChainLink, ChainThen } from './events.js';
import type { StepFailure } from './errors.js';
import type { Json } from './json.js';

export type WorkflowStatus = 'runnable' | 'suspended' | 'complete' | 'terminated' | 'failed';

export type PointerStatus =
  | 'pending'
  | 'running'
  | 'sleeping'
  | 'waitingForEvent'
  /** A container whose branches are running. */
  | 'waitingForChildren'
  | 'complete'
  | 'failed'
  | 'compensated'
  | 'cancelled'
  | 'skipped';

export interface ExecutionPointer {
  readonly id: number;
  readonly stepId: number;
  readonly status: PointerStatus;
  /** Active pointers are the ones not yet ended. */
  readonly active: boolean;
  readonly scope: readonly number[];
  readonly predecessorId?: number;
  readonly item?: Json;
  readonly hasItem?: boolean;
  readonly sleepUntil?: number;
  readonly retryCount: number;
  /** Executions started (StepStarted count). */
  readonly attempt: number;
  readonly eventName?: string;
  readonly eventKey?: string;
  readonly eventAsOf?: number;
  /** A wait with a timeout: runnable again (to fail with `Timeout`) from this time, unless an event came. */
  readonly eventTimeoutAt?: number;
  readonly eventData?: Json;
  readonly eventId?: string;
  readonly activity?: { readonly name: string; readonly parameters: Json };
  /** Container: pointers inside its block, at any depth, not yet ended. */
  readonly open: number;
  readonly persistenceData?: Json;
  readonly outcome?: Json;
  readonly compensates?: number;
  readonly chainId?: number;
  readonly error?: StepFailure;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Order in which pointers ended (state version at the end), for most-recent-first compensation. */
  readonly endSeq?: number;
  readonly handler?: boolean;
}

export interface HandlerChain {
  readonly id: number;
  readonly links: readonly ChainLink[];
  /** Index of the link running now. */
  readonly index: number;
  readonly then: ChainThen;
  readonly reason: 'compensate' | 'fail' | 'ensure';
}

/** Pointers live in fixed-size chunks so that changing one copies one chunk, not all of them. */
export const POINTER_CHUNK = 128;

/**
 * The state of one instance: what its events fold into. Immutable. What guarantees it:
 * - by construction, always: the domain never writes an object it did not create in the same fold
 *   or decision (copy-on-write, see `StateWriter`): values events carry (data, outcomes, items,
 *   event data) are copied in, and what a state shares with an event (pointer scopes) or an earlier
 *   state is never changed by anyone; a patch copies each object or array on its path first.
 * - by freezing, in tests: with `freezeStates(true)` (set for the whole test suite), every object a
 *   fold or decision makes for a state (the state, its chunk list, chunks, pointers, `activeInChunk`,
 *   the `consumed` and `chains` records) is shallowly frozen, and the data deeply, so any code that
 *   writes to a state it was handed throws there. Off by default in production: it was a third of the live path's cost.
 * A state loaded from a snapshot (plain JSON) is safe too: it is only ever read.
 */
export interface InstanceState {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  /** Content hash of the definition it started with, when the host stored it. */
  readonly definitionHash?: string;
  readonly reference?: string;
  readonly status: WorkflowStatus;
  readonly data: Json;
  readonly createdAt: number;
  readonly completedAt?: number;
  /** Decision time of the last event folded. */
  readonly updatedAt: number;
  /** Stream version: how many events have been folded. */
  readonly version: number;
  readonly pointerChunks: readonly (readonly ExecutionPointer[])[];
  readonly pointerCount: number;
  /**
   * How many active pointers each chunk of `pointerChunks` holds (same length). Ending or adding a
   * pointer copies this short list (one number per 128 pointers), not a set of every active id, and
   * `activeIds` scans only the chunks that hold active pointers.
   */
  readonly activeInChunk: readonly number[];
  readonly activeCount: number;
  /**
   * External events consumed, keyed `stepId:eventId`: one step never receives the same event twice
   * (a loop's later iteration does not get what an earlier one consumed), while different steps
   * (parallel branches) each can.
   */
  readonly consumed: { readonly [stepAndEventId: string]: true };
  readonly parentInstanceId?: string;
  readonly chains: { readonly [id: number]: HandlerChain };
  readonly nextChainId: number;
  /** Set once an unhandled failure has been decided; the workflow fails when nothing is active. */
  readonly failing?: StepFailure;
  readonly forkedFrom?: { readonly instanceId: string; readonly version: number };
  readonly suspendReason?: string;
}

export function pointerAt(state: InstanceState, id: number): ExecutionPointer {
  const p = state.pointerChunks[Math.floor(id / POINTER_CHUNK)]?.[id % POINTER_CHUNK];
  if (!p) throw new RangeError(`no pointer ${id} in instance ${state.instanceId}`);
  return p;
}

export function findPointer(state: InstanceState, id: number): ExecutionPointer | undefined {
  return state.pointerChunks[Math.floor(id / POINTER_CHUNK)]?.[id % POINTER_CHUNK];
}

export function* allPointers(state: InstanceState): Generator<ExecutionPointer> {
  for (const chunk of state.pointerChunks) yield* chunk;
}

/** Ids of the active pointers, in creation order. */
export function activeIds(state: Pick<InstanceState, 'pointerChunks' | 'activeInChunk'>): number[] {
  return activePointers(state).map((p) => p.id);
}

/** The active pointers, in creation order. Cost: the active pointers' chunks, not every pointer. */
export function activePointers(state: Pick<InstanceState, 'pointerChunks' | 'activeInChunk'>): ExecutionPointer[] {
  const out: ExecutionPointer[] = [];
  const counts = state.activeInChunk;
  for (let ci = 0; ci < counts.length; ci++) {
    if (counts[ci] === 0) continue;
    for (const p of state.pointerChunks[ci] ?? []) if (p?.active) out.push(p);
  }
  return out;
}

export function isTerminal(status: WorkflowStatus): boolean {
  return status === 'complete' || status === 'terminated' || status === 'failed';
}

/** The key under which `consumed` records that a step has received an event. */
export function consumedKey(stepId: number, eventId: string): string {
  return `${stepId}:${eventId}`;
}
