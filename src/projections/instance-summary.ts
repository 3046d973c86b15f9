import type { Json } from '../domain/json.js';
import { nextDueAt } from '../domain/queries.js';
import { activePointers, allPointers, type InstanceState } from '../domain/state.js';
import type { FieldValue, InstanceSummary } from '../ports/instance-index.js';
import { stepName, type DefinitionLookup } from './definitions-lookup.js';
import type { Projection } from './projection.js';

/** Which data goes into the index for filters and free text. */
export interface IndexedDataOptions {
  /**
   * Dotted paths of data fields kept for `where` filters (`customer.tier`). Default: every scalar
   * leaf down to depth 3, at most 64 of them.
   */
  readonly dataFields?: readonly string[];
  /** Dotted paths whose string values join the free text. Default: every string field kept. */
  readonly textFields?: readonly string[];
}

const MAX_FIELDS = 64;
const MAX_DEPTH = 3;
const MAX_STRING = 256;

function scalar(v: Json | undefined): FieldValue | undefined {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'string') return v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v;
  return undefined;
}

function at(data: Json, path: string): Json | undefined {
  let cur: Json | undefined = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : cur[part];
  }
  return cur;
}

/** The data fields kept for filters: the chosen paths, or every scalar leaf near the top. */
export function indexedFields(data: Json, options: IndexedDataOptions = {}): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (options.dataFields) {
    for (const path of options.dataFields) {
      const v = scalar(at(data, path));
      if (v !== undefined) out[path] = v;
    }
    return out;
  }
  let n = 0;
  const walk = (v: Json, prefix: string, depth: number) => {
    if (n >= MAX_FIELDS || v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, child] of Object.entries(v)) {
      if (n >= MAX_FIELDS) return;
      const path = prefix ? `${prefix}.${k}` : k;
      const s = scalar(child);
      if (s !== undefined) {
        out[path] = s;
        n++;
      } else if (depth < MAX_DEPTH) walk(child, path, depth + 1);
    }
  };
  walk(data, '', 1);
  return out;
}

/**
 * The index row (search document) of an instance: a function of its state alone, so the row
 * after any append equals the row rebuilt from the log. Cost grows with the active pointers, not
 * with the instance's history (ended failed pointers are listed once the instance is no longer runnable).
 */
export function summarizeInstance(state: InstanceState, lookup: DefinitionLookup, options: IndexedDataOptions = {}): InstanceSummary {
  const { updatedAt } = state;
  const name = (stepId: number) => stepName(lookup, state.definitionId, state.definitionVersion, stepId);
  const waiting: { step: string; eventName: string; eventKey: string }[] = [];
  const sleeping: string[] = [];
  const failed = new Set<string>();
  for (const p of activePointers(state)) {
    if (p.status === 'waitingForEvent') waiting.push({ step: name(p.stepId), eventName: p.activity ? `activity:${p.activity.name}` : (p.eventName ?? ''), eventKey: p.eventKey ?? '' });
    else if (p.status === 'sleeping') sleeping.push(name(p.stepId));
    if (p.error) failed.add(name(p.stepId));
  }
  if (state.status !== 'runnable') for (const p of allPointers(state)) if (p.status === 'failed') failed.add(name(p.stepId));
  const fields = indexedFields(state.data, options);
  const textFields = options.textFields ? Object.fromEntries(options.textFields.map((f) => [f, scalar(at(state.data, f))])) : fields;
  const text = [
    state.reference ?? '',
    state.definitionId,
    ...waiting.map((w) => `${w.step} ${w.eventName}`),
    ...sleeping,
    ...failed,
    ...Object.values(textFields).filter((v): v is string => typeof v === 'string'),
  ]
    .filter(Boolean)
    .join(' ');
  const error = state.failing ? `${state.failing.type}: ${state.failing.message}` : state.status === 'suspended' ? state.suspendReason : undefined;
  const due = nextDueAt(state, updatedAt);
  return {
    instanceId: state.instanceId,
    definitionId: state.definitionId,
    definitionVersion: state.definitionVersion,
    ...(state.definitionHash !== undefined ? { definitionHash: state.definitionHash } : {}),
    ...(state.reference !== undefined ? { reference: state.reference } : {}),
    ...(state.parentInstanceId !== undefined ? { parentInstanceId: state.parentInstanceId } : {}),
    status: state.status,
    createdAt: state.createdAt,
    updatedAt,
    ...(state.completedAt !== undefined ? { completedAt: state.completedAt } : {}),
    ...(due !== undefined ? { nextDueAt: due } : {}),
    version: state.version,
    waiting,
    sleeping,
    failedSteps: [...failed],
    ...(error !== undefined ? { error } : {}),
    fields,
    text,
  };
}

/** The instance index as a projection: one row per stream, written inline with every append. */
export function instanceSummaryProjection(lookup: DefinitionLookup, options: IndexedDataOptions = {}): Projection<InstanceSummary | null> {
  return {
    name: 'instances',
    version: 1,
    lifecycle: 'inline',
    replaces: true,
    keysOf: (change) => [change.streamId],
    init: () => null,
    apply: (_doc, change) => summarizeInstance(change.after, lookup, options),
  };
}
