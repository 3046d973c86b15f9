import type { Json } from '../domain/json.js';
import { activeIds, findPointer, type ExecutionPointer, type PointerStatus, type WorkflowStatus } from '../domain/state.js';
import { stepName, type DefinitionLookup } from './definitions-lookup.js';
import type { Projection, StreamChange } from './projection.js';

/** One activation of a step, as the CLI's history and progress and the debugger show it. */
export interface StepRow {
  readonly pointerId: number;
  readonly stepId: number;
  readonly name: string;
  readonly status: PointerStatus;
  readonly attempts: number;
  readonly retries: number;
  /** The enclosing container's pointer, when inside one. */
  readonly parentPointerId?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly sleepUntil?: number;
  readonly waitingFor?: string;
  readonly error?: string;
  readonly item?: Json;
  /** A compensation, on_failure or ensure step, and the pointer it undoes. */
  readonly handler?: boolean;
  readonly compensates?: number;
}

/** Every step activation of an instance, by pointer id. */
export interface StepRows {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly status: WorkflowStatus;
  readonly version: number;
  readonly rows: readonly StepRow[];
}

function rowOf(p: ExecutionPointer, name: string): StepRow {
  return {
    pointerId: p.id,
    stepId: p.stepId,
    name,
    status: p.status,
    attempts: p.attempt,
    retries: p.retryCount,
    ...(p.scope[0] !== undefined ? { parentPointerId: p.scope[0] } : {}),
    ...(p.startedAt !== undefined ? { startedAt: p.startedAt } : {}),
    ...(p.endedAt !== undefined ? { endedAt: p.endedAt } : {}),
    ...(p.status === 'sleeping' && p.sleepUntil !== undefined ? { sleepUntil: p.sleepUntil } : {}),
    ...(p.status === 'waitingForEvent' ? { waitingFor: p.activity ? `activity:${p.activity.name}` : `${p.eventName ?? ''}/${p.eventKey ?? ''}` } : {}),
    ...(p.error ? { error: `${p.error.type}: ${p.error.message}` } : {}),
    ...(p.hasItem ? { item: p.item ?? null } : {}),
    ...(p.handler ? { handler: true } : {}),
    ...(p.compensates !== undefined ? { compensates: p.compensates } : {}),
  };
}

/**
 * The pointers a change may have touched: those its events name or create, plus every pointer that
 * was active before it (containers end without an event naming them when their block fails).
 * Ended pointers change only through events that name them.
 */
function touched(change: StreamChange): Set<number> {
  const ids = new Set<number>();
  for (const { event: e } of change.events) {
    if ('pointerId' in e && typeof e.pointerId === 'number') ids.add(e.pointerId);
    if (e.type === 'StepsActivated' || e.type === 'BranchesStarted') for (const p of e.pointers) ids.add(p.id);
    if (e.type === 'StepCancelled') for (const id of e.pointerIds) ids.add(id);
  }
  for (const id of activeIds(change.before)) ids.add(id);
  return ids;
}

/** Apply a change to step rows: each touched pointer's row is read from the state after it. */
export function applyStepRows(doc: StepRows | null, change: StreamChange, lookup: DefinitionLookup): StepRows {
  const s = change.after;
  const rows = doc ? [...doc.rows] : [];
  for (const id of touched(change)) {
    const p = findPointer(s, id);
    if (p) rows[id] = rowOf(p, stepName(lookup, s.definitionId, s.definitionVersion, p.stepId));
  }
  return { instanceId: s.instanceId, definitionId: s.definitionId, definitionVersion: s.definitionVersion, status: s.status, version: s.version, rows };
}

/** Step rows of every instance (one document per instance), applied from the log by the runner. */
export function stepRowsProjection(lookup: DefinitionLookup): Projection<StepRows | null> {
  return {
    name: 'step-rows',
    version: 1,
    lifecycle: 'async',
    keysOf: (change) => [change.streamId],
    init: () => null,
    apply: (doc, change) => applyStepRows(doc, change, lookup),
  };
}
