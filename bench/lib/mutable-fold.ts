/**
 * The baseline of the replay benchmark: a minimal hand-written reducer over the same events that
 * updates plain mutable objects in place (no immutability, no copying of what events carry, an
 * O(1) set of active pointers). It keeps the same information as wfe's state, so that
 * `summarize` of both agree (checked before timing).
 */
import type { DataPatch, NewPointer, WorkflowEvent } from '../../src/domain/events.js';
import type { Json } from '../../src/domain/json.js';
import { activeIds, allPointers, type InstanceState } from '../../src/domain/state.js';

export interface PlainPointer {
  id: number;
  stepId: number;
  status: string;
  active: boolean;
  scope: readonly number[];
  retryCount: number;
  attempt: number;
  children: number[];
  open: number;
  predecessorId?: number;
  hasItem?: boolean;
  item?: Json;
  sleepUntil?: number;
  startedAt?: number;
  endedAt?: number;
  endSeq?: number;
  outcome?: Json;
  error?: unknown;
  persistenceData?: Json;
  eventName?: string;
  eventKey?: string;
  eventId?: string;
  eventData?: Json;
  compensates?: number;
  chainId?: number;
}

export interface PlainState {
  instanceId: string;
  definitionId: string;
  status: string;
  data: Json;
  createdAt: number;
  completedAt?: number;
  version: number;
  pointers: PlainPointer[];
  active: Set<number>;
  consumed: Record<string, true>;
  chains: Record<number, unknown>;
}

export function emptyPlainState(): PlainState {
  return { instanceId: '', definitionId: '', status: 'runnable', data: null, createdAt: 0, version: 0, pointers: [], active: new Set(), consumed: {}, chains: {} };
}

function add(s: PlainState, np: NewPointer): void {
  const p: PlainPointer = {
    id: np.id,
    stepId: np.stepId,
    status: np.sleepUntil !== undefined ? 'sleeping' : 'pending',
    active: true,
    scope: np.scope,
    retryCount: np.retryCount ?? 0,
    attempt: 0,
    children: [],
    open: 0,
  };
  if (np.predecessorId !== undefined) p.predecessorId = np.predecessorId;
  if (np.hasItem) {
    p.hasItem = true;
    p.item = np.item ?? null;
  }
  if (np.sleepUntil !== undefined) p.sleepUntil = np.sleepUntil;
  s.pointers[np.id] = p;
  s.active.add(np.id);
  for (const c of np.scope) s.pointers[c]!.open++;
  if (np.scope[0] !== undefined) s.pointers[np.scope[0]]!.children.push(np.id);
}

function end(s: PlainState, id: number, status: string, at: number): void {
  const p = s.pointers[id]!;
  p.status = status;
  if (!p.active) return;
  p.active = false;
  p.endedAt = at;
  p.endSeq = s.version;
  p.sleepUntil = undefined;
  s.active.delete(id);
  for (const c of p.scope) s.pointers[c]!.open--;
}

function patch(s: PlainState, patches: readonly DataPatch[]): void {
  for (const pt of patches) {
    if (pt.path.length === 0) {
      s.data = pt.op === 'remove' ? null : (pt.value ?? null);
      continue;
    }
    let target = s.data as Record<string | number, Json>;
    for (let i = 0; i < pt.path.length - 1; i++) target = target[pt.path[i]!] as Record<string | number, Json>;
    const key = pt.path[pt.path.length - 1]!;
    if (pt.op === 'remove') delete target[key];
    else target[key] = pt.value ?? null;
  }
}

export function applyPlain(s: PlainState, e: WorkflowEvent): void {
  s.version++;
  switch (e.type) {
    case 'WorkflowStarted':
      s.instanceId = e.instanceId;
      s.definitionId = e.definitionId;
      s.data = e.data;
      s.createdAt = e.at;
      return;
    case 'StepsActivated':
      for (const np of e.pointers) add(s, np);
      return;
    case 'BranchesStarted': {
      const c = s.pointers[e.pointerId]!;
      c.status = 'waitingForChildren';
      if (e.persistenceData !== undefined) c.persistenceData = e.persistenceData;
      for (const np of e.pointers) add(s, np);
      return;
    }
    case 'BranchCompleted': {
      const c = s.pointers[e.pointerId]!;
      c.status = 'pending';
      if (e.persistenceData !== undefined) c.persistenceData = e.persistenceData;
      return;
    }
    case 'StepStarted': {
      const p = s.pointers[e.pointerId]!;
      p.status = 'running';
      p.attempt = e.attempt;
      p.startedAt ??= e.at;
      p.sleepUntil = undefined;
      return;
    }
    case 'StepCompleted': {
      const p = s.pointers[e.pointerId]!;
      if (e.patches) patch(s, e.patches);
      if (e.outcome !== undefined) p.outcome = e.outcome;
      p.error = undefined;
      end(s, e.pointerId, 'complete', e.at);
      return;
    }
    case 'StepSkipped':
      end(s, e.pointerId, 'skipped', e.at);
      return;
    case 'StepFailed': {
      const p = s.pointers[e.pointerId]!;
      p.status = 'failed';
      p.attempt = e.attempt;
      p.error = e.error;
      return;
    }
    case 'StepRetryScheduled':
    case 'TimerScheduled': {
      const p = s.pointers[e.pointerId]!;
      p.status = 'sleeping';
      p.sleepUntil = e.dueAt;
      if (e.type === 'StepRetryScheduled') p.retryCount = e.retryCount;
      else if (e.persistenceData !== undefined) p.persistenceData = e.persistenceData;
      return;
    }
    case 'TimerFired': {
      const p = s.pointers[e.pointerId]!;
      p.status = 'pending';
      p.sleepUntil = undefined;
      return;
    }
    case 'EventAwaited': {
      const p = s.pointers[e.pointerId]!;
      p.status = 'waitingForEvent';
      p.eventName = e.eventName;
      p.eventKey = e.eventKey;
      return;
    }
    case 'EventReceived': {
      const p = s.pointers[e.pointerId]!;
      p.status = 'pending';
      p.eventId = e.eventId;
      p.eventData = e.eventData;
      s.consumed[`${p.stepId}:${e.eventId}`] = true;
      return;
    }
    case 'StepCancelled':
      for (const id of e.pointerIds) end(s, id, 'cancelled', e.at);
      return;
    case 'DataChanged':
      patch(s, e.patches);
      return;
    case 'WorkflowSuspended':
      s.status = 'suspended';
      return;
    case 'WorkflowResumed':
      s.status = 'runnable';
      return;
    case 'WorkflowCompleted':
    case 'WorkflowTerminated':
    case 'WorkflowFailed':
      for (const id of [...s.active]) end(s, id, 'cancelled', e.at);
      s.status = e.type === 'WorkflowCompleted' ? 'complete' : e.type === 'WorkflowFailed' ? 'failed' : 'terminated';
      s.completedAt = e.at;
      return;
    case 'CompensationStarted':
      for (const id of e.failed) end(s, id, 'failed', e.at);
      s.chains[e.chainId] = { links: e.links, then: e.then, index: 0 };
      return;
    case 'CompensationCompleted':
      delete s.chains[e.chainId];
      return;
    case 'StepCompensated':
      s.pointers[e.pointerId]!.status = 'compensated';
      return;
    case 'ForkedFrom':
      return;
  }
}

/** Fold into a plain state in place (a new one when none is given). */
export function foldPlain(s: PlainState | undefined, events: readonly WorkflowEvent[]): PlainState {
  const state = s ?? emptyPlainState();
  for (const e of events) applyPlain(state, e);
  return state;
}

/** What both folds must agree on: status, version, data and every pointer's status, scope and counters. */
export function summarize(s: InstanceState | PlainState): string {
  const pointers = 'pointerChunks' in s ? [...allPointers(s)] : s.pointers;
  const active = 'pointerChunks' in s ? activeIds(s) : [...s.active].sort((a, b) => a - b);
  return JSON.stringify({
    status: s.status,
    version: s.version,
    data: s.data,
    active,
    pointers: pointers.map((p) => [p.id, p.stepId, p.status, p.active, p.attempt, p.open, p.endSeq ?? null]),
  });
}
