import { freeze } from 'immer';
import type { DataPatch, NewPointer, WorkflowEvent } from './events.js';
import { copyJson, type Json } from './json.js';
import { activeIds, consumedKey, type InstanceState, type PointerStatus } from './state.js';
import { StateWriter, type WritablePointer } from './state-writer.js';

/** The state before the first event. */
export const EMPTY_STATE: InstanceState = freeze(
  {
    instanceId: '',
    definitionId: '',
    definitionVersion: 0,
    status: 'runnable',
    data: null,
    createdAt: 0,
    updatedAt: 0,
    version: 0,
    pointerChunks: [],
    pointerCount: 0,
    activeInChunk: [],
    activeCount: 0,
    consumed: {},
    chains: {},
    nextChainId: 1,
  } satisfies InstanceState,
  true,
);

/**
 * Fold events into state. Total over valid logs: any prefix of a valid log folds without throwing.
 * No immer draft: a `StateWriter` copies, once per batch, only what the events change (a pointer,
 * its chunk, the records), and shares the rest with `state`, which is never written. Folding from
 * the empty state (a full replay) copies nothing. Only the workflow data goes through an immer draft,
 * when patches change it.
 */
export function fold(state: InstanceState | undefined, events: readonly WorkflowEvent[]): InstanceState {
  if (events.length === 0) return state ?? EMPTY_STATE;
  const w = new Writer(state ?? EMPTY_STATE);
  for (const e of events) apply(w, e);
  return w.finish();
}

/** One event. */
export function evolve(state: InstanceState, event: WorkflowEvent): InstanceState {
  return fold(state, [event]);
}

function addPointer(w: StateWriter, np: NewPointer): void {
  const p: WritablePointer = {
    id: np.id,
    stepId: np.stepId,
    status: np.sleepUntil !== undefined ? 'sleeping' : 'pending',
    active: true,
    // Shared with the event: neither is ever changed.
    scope: np.scope,
    retryCount: np.retryCount ?? 0,
    attempt: 0,
    open: 0,
  };
  if (np.predecessorId !== undefined) p.predecessorId = np.predecessorId;
  if (np.hasItem) {
    p.hasItem = true;
    p.item = clone(np.item ?? null);
  }
  if (np.sleepUntil !== undefined) p.sleepUntil = np.sleepUntil;
  if (np.compensates !== undefined) p.compensates = np.compensates;
  if (np.chainId !== undefined) p.chainId = np.chainId;
  if (np.handler) p.handler = true;
  w.addPointer(p);
  const d = w.s;
  d.pointerCount = Math.max(d.pointerCount, np.id + 1);
  w.countActive(np.id, 1);
  for (const c of np.scope) w.pointer(c).open++;
  if (np.chainId !== undefined && np.chainIndex !== undefined) {
    const chain = d.chains[np.chainId];
    if (chain) w.chains()[np.chainId] = { ...chain, index: np.chainIndex };
  }
}

function endPointer(w: StateWriter, id: number, status: PointerStatus, at: number): void {
  const p = w.pointer(id);
  if (!p.active) {
    p.status = status;
    return;
  }
  p.active = false;
  p.status = status;
  p.endedAt = at;
  p.endSeq = w.s.version;
  if (p.sleepUntil !== undefined) delete p.sleepUntil;
  w.countActive(id, -1);
  for (const c of p.scope) w.pointer(c).open--;
}

/**
 * A container's persistence data is merged (shallowly) with what an event carries, so that a
 * sequential forEach records its collection once and then only the index.
 */
function mergePersistence(c: WritablePointer, data: Json): void {
  const old = c.persistenceData;
  if (old && typeof old === 'object' && !Array.isArray(old) && data && typeof data === 'object' && !Array.isArray(data)) {
    // A new object: the old one may be shared with an earlier state (or an event).
    c.persistenceData = { ...old, ...clone(data) };
  } else c.persistenceData = clone(data);
}

const clone = copyJson;
/** Module constants (a loader that turns imports into getters costs a call per use). */
const Writer = StateWriter;
const keyOfConsumed = consumedKey;

/**
 * Apply immer-format patches to the data in `d`. Total: parallel branches record patches against
 * the same base, so a patch can find its target gone (a sibling removed the parent, or shortened
 * the array it indexes). Such a patch is dropped, deterministically; appends (`-`) always apply.
 * The data stays JSON (no holes in arrays) whatever the order. Only own members are followed, and a
 * `__proto__` member is written as a member (never the prototype).
 *
 * `own(container)` is called on each object or array on a patch's path before it is written (or
 * followed): it returns the container to write, a copy when the original is shared (copy-on-write,
 * `StateWriter.ownData`); without it the data is changed in place.
 */
export function applyDataPatches(d: { data: Json }, patches: readonly DataPatch[], own: <T extends object>(container: T) => T = (c) => c): void {
  for (const patch of patches) {
    if (patch.path.length === 0) {
      d.data = patch.op === 'remove' ? null : clone(patch.value ?? null);
      continue;
    }
    if (!isContainer(d.data)) continue;
    let target: Json[] | { [key: string]: Json } = own(d.data);
    d.data = target;
    let found = true;
    for (let i = 0; i < patch.path.length - 1; i++) {
      const k = patch.path[i] as string | number;
      const next = Object.prototype.hasOwnProperty.call(target, k) ? (target as Record<string | number, Json>)[k] : undefined;
      if (!isContainer(next)) {
        found = false;
        break;
      }
      const mine = own(next);
      if (mine !== next) (target as Record<string | number, Json>)[k] = mine;
      target = mine;
    }
    if (!found) continue;
    const key = patch.path[patch.path.length - 1] as string | number;
    if (Array.isArray(target)) {
      const arr = target;
      if (key === 'length') {
        if (patch.op === 'replace' && typeof patch.value === 'number' && patch.value <= arr.length) arr.length = patch.value;
        continue;
      }
      const index = key === '-' ? arr.length : Number(key);
      if (!Number.isInteger(index) || index < 0) continue;
      if (patch.op === 'add') {
        if (index <= arr.length) arr.splice(index, 0, clone(patch.value ?? null));
      } else if (index < arr.length) {
        if (patch.op === 'remove') arr.splice(index, 1);
        else arr[index] = clone(patch.value ?? null);
      }
    } else {
      const obj = target;
      if (patch.op === 'remove') delete obj[key];
      else if (key === '__proto__') Object.defineProperty(obj, key, { value: clone(patch.value ?? null), enumerable: true, writable: true, configurable: true });
      else obj[key] = clone(patch.value ?? null);
    }
  }
}

const isContainer = (v: Json | undefined): v is Json[] | { [key: string]: Json } => v !== null && typeof v === 'object';

/** The one place where events change state. */
export function apply(w: StateWriter, e: WorkflowEvent): void {
  const d = w.s;
  d.version++;
  d.updatedAt = e.at;
  switch (e.type) {
    case 'WorkflowStarted':
      d.instanceId = e.instanceId;
      d.definitionId = e.definitionId;
      d.definitionVersion = e.definitionVersion;
      d.data = clone(e.data);
      if (e.reference !== undefined) d.reference = e.reference;
      if (e.parentInstanceId !== undefined) d.parentInstanceId = e.parentInstanceId;
      if (e.definitionHash !== undefined) d.definitionHash = e.definitionHash;
      d.createdAt = e.at;
      d.status = 'runnable';
      return;
    case 'StepsActivated':
      for (const np of e.pointers) addPointer(w, np);
      return;
    case 'BranchesStarted': {
      const c = w.pointer(e.pointerId);
      c.status = 'waitingForChildren';
      if (e.persistenceData !== undefined) mergePersistence(c, e.persistenceData);
      for (const np of e.pointers) addPointer(w, np);
      return;
    }
    case 'BranchCompleted': {
      const c = w.pointer(e.pointerId);
      c.status = 'pending';
      if (e.persistenceData !== undefined) mergePersistence(c, e.persistenceData);
      return;
    }
    case 'StepStarted': {
      const p = w.pointer(e.pointerId);
      p.status = 'running';
      p.attempt = e.attempt;
      p.startedAt ??= e.at;
      if (p.sleepUntil !== undefined) delete p.sleepUntil;
      return;
    }
    case 'StepCompleted': {
      const p = w.pointer(e.pointerId);
      if (e.patches && e.patches.length > 0) w.patchData(e.patches, applyDataPatches);
      if (e.outcome !== undefined) p.outcome = clone(e.outcome);
      if (p.error !== undefined) delete p.error;
      endPointer(w, e.pointerId, 'complete', e.at);
      return;
    }
    case 'StepSkipped':
      endPointer(w, e.pointerId, 'skipped', e.at);
      return;
    case 'StepFailed': {
      const p = w.pointer(e.pointerId);
      p.status = 'failed';
      p.attempt = e.attempt;
      p.error = e.error as never;
      return;
    }
    case 'StepRetryScheduled': {
      const p = w.pointer(e.pointerId);
      p.status = 'sleeping';
      p.retryCount = e.retryCount;
      p.sleepUntil = e.dueAt;
      return;
    }
    case 'TimerScheduled': {
      const p = w.pointer(e.pointerId);
      p.status = 'sleeping';
      p.sleepUntil = e.dueAt;
      if (e.persistenceData !== undefined) p.persistenceData = clone(e.persistenceData);
      return;
    }
    case 'TimerFired': {
      const p = w.pointer(e.pointerId);
      p.status = 'pending';
      if (p.sleepUntil !== undefined) delete p.sleepUntil;
      return;
    }
    case 'EventAwaited': {
      const p = w.pointer(e.pointerId);
      p.status = 'waitingForEvent';
      p.eventName = e.eventName;
      p.eventKey = e.eventKey;
      p.eventAsOf = e.asOf;
      if (e.timeoutAt !== undefined) p.eventTimeoutAt = e.timeoutAt;
      else if (p.eventTimeoutAt !== undefined) delete p.eventTimeoutAt;
      if (p.eventId !== undefined) delete p.eventId;
      if (p.eventData !== undefined) delete p.eventData;
      if (e.activity) p.activity = clone(e.activity as never);
      return;
    }
    case 'EventReceived': {
      const p = w.pointer(e.pointerId);
      p.status = 'pending';
      if (p.eventTimeoutAt !== undefined) delete p.eventTimeoutAt;
      p.eventId = e.eventId;
      p.eventData = clone(e.eventData);
      w.consumed()[keyOfConsumed(p.stepId, e.eventId)] = true;
      return;
    }
    case 'CompensationStarted':
      for (const id of e.failed) endPointer(w, id, 'failed', e.at);
      w.chains()[e.chainId] = { id: e.chainId, links: clone(e.links as never), index: 0, then: clone(e.then as never), reason: e.reason };
      d.nextChainId = Math.max(d.nextChainId, e.chainId + 1);
      if (e.reason === 'fail' || e.then.kind === 'fail') {
        d.failing ??= (w.find(e.pointerId)?.error as never) ?? { type: 'Error', message: 'step failed' };
      }
      return;
    case 'CompensationCompleted':
      delete w.chains()[e.chainId];
      return;
    case 'StepCompensated':
      w.pointer(e.pointerId).status = 'compensated';
      return;
    case 'StepCancelled':
      for (const id of e.pointerIds) endPointer(w, id, 'cancelled', e.at);
      return;
    case 'DataChanged':
      w.patchData(e.patches, applyDataPatches);
      return;
    case 'WorkflowSuspended':
      d.status = 'suspended';
      d.suspendReason = e.reason;
      return;
    case 'WorkflowResumed':
      d.status = 'runnable';
      if (d.suspendReason !== undefined) delete d.suspendReason;
      for (const id of activeIds(d)) {
        if (w.find(id)?.status === 'failed') {
          const p = w.pointer(id);
          p.status = 'pending';
          p.retryCount = 0;
          if (p.sleepUntil !== undefined) delete p.sleepUntil;
        }
      }
      return;
    case 'WorkflowTerminated':
      return endWorkflow(w, 'terminated', e.at);
    case 'WorkflowCompleted':
      return endWorkflow(w, 'complete', e.at);
    case 'WorkflowFailed':
      endWorkflow(w, 'failed', e.at);
      if (e.error) d.failing = e.error as never;
      return;
    case 'ForkedFrom':
      d.forkedFrom = { instanceId: e.instanceId, version: e.version };
      return;
    default: {
      const never: never = e;
      throw new TypeError(`unknown event type ${(never as { type: string }).type}`);
    }
  }
}

/** A terminal event: every active pointer ends cancelled, no chain goes on. */
function endWorkflow(w: StateWriter, status: 'terminated' | 'complete' | 'failed', at: number): void {
  const d = w.s;
  for (const id of activeIds(d)) endPointer(w, id, 'cancelled', at);
  if (Object.keys(d.chains).length > 0) w.clearChains();
  d.status = status;
  d.completedAt = at;
}
