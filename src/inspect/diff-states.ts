import type { WorkflowDefinition } from '../domain/definition.js';
import { jsonEqual, type Json } from '../domain/json.js';
import { allPointers, findPointer, type InstanceState } from '../domain/state.js';
import type { StateDiff } from './inspector.js';
import { stepNameOf } from './state-view.js';

type DataChange = StateDiff['data'][number];

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `$.a.b`, `$.items[2]`, `$["odd key"]`. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

const isObject = (v: Json | undefined): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The leaf-most paths where two JSON values differ, with old and new values (absent: added / removed). */
export function diffJson(before: Json | undefined, after: Json | undefined, path = '$', out: DataChange[] = []): DataChange[] {
  if (jsonEqual(before, after)) return out;
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of [...keys].sort()) diffJson(before[k], after[k], child(path, k), out);
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) diffJson(before[i], after[i], child(path, i), out);
    return out;
  }
  out.push({ path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  return out;
}

/** What changed from one state to another: status, data paths, pointers created or whose status changed. */
export function diffStates(definition: WorkflowDefinition | undefined, a: InstanceState, b: InstanceState): StateDiff {
  const pointers: StateDiff['pointers'][number][] = [];
  for (const p of allPointers(b)) {
    const old = findPointer(a, p.id);
    if (!old || old.status !== p.status) {
      pointers.push({ id: p.id, step: stepNameOf(definition, p.stepId), ...(old ? { before: old.status } : {}), after: p.status });
    }
  }
  return {
    from: a.version,
    to: b.version,
    ...(a.status !== b.status ? { status: { from: a.status, to: b.status } } : {}),
    data: diffJson(a.version === 0 ? undefined : a.data, b.data),
    pointers,
  };
}
