import { either as E } from 'fp-ts';
import { WfeError } from './errors.js';
import type { DataPatch, WorkflowEvent } from './events.js';
import { applyDataPatches, fold } from './evolve.js';
import type { Json } from './json.js';
import { isTerminal, type InstanceState } from './state.js';
import { normaliseJson, validateInstanceId } from './validate-args.js';

/** One data path to set in a fork: dotted (`customer.name`, `items.2`), and its new value. */
export interface ForkPatch {
  readonly path: string;
  readonly value: Json;
}

/** What a fork is made of: the original's first events and what to change. */
export interface ForkRequest {
  /** The original's events 1..atVersion, in order. */
  readonly prefix: readonly WorkflowEvent[];
  readonly sourceInstanceId: string;
  readonly newInstanceId: string;
  /** Replace the whole data at the fork point. */
  readonly data?: Json;
  /** Or set some paths (missing objects on the way are created). */
  readonly patch?: readonly ForkPatch[];
  readonly reason?: string;
  /** Decision time of the events the fork adds. */
  readonly now: number;
}

/** The new instance's first events and the state they fold into. */
export interface Fork {
  readonly events: readonly WorkflowEvent[];
  readonly state: InstanceState;
}

const invalid = (message: string, details: Record<string, unknown>) => new WfeError('INVALID_ARGUMENT', message, details);

/**
 * A fork of an instance at a version, pure: the original's events up to that version (its
 * `WorkflowStarted` names the new instance and no parent: a fork is nobody's child), then
 * `ForkedFrom`, then `DataChanged` when data was corrected, then `WorkflowResumed` when the
 * original was suspended there (a fork runs). A version at which the original had ended
 * (complete, failed, terminated) is refused: fork earlier, before the step to re-run started.
 */
export function forkEvents(req: ForkRequest): E.Either<WfeError, Fork> {
  const k = req.prefix.length;
  const first = req.prefix[0];
  if (!first || first.type !== 'WorkflowStarted') {
    return E.left(invalid(`instance ${req.sourceInstanceId} has no WorkflowStarted at version 1: nothing to fork`, { instanceId: req.sourceInstanceId }));
  }
  try {
    validateInstanceId(req.newInstanceId);
  } catch (e) {
    return E.left(e as WfeError);
  }
  if (req.newInstanceId === req.sourceInstanceId) return E.left(invalid(`a fork needs a new instance id, not ${req.sourceInstanceId}`, { argument: 'instanceId' }));
  const atFork = fold(undefined, req.prefix);
  if (isTerminal(atFork.status)) {
    return E.left(
      new WfeError('INVALID_STATE', `instance ${req.sourceInstanceId} is ${atFork.status} at version ${k}: fork at an earlier version (before the step to run again started)`, {
        instanceId: req.sourceInstanceId,
        version: k,
        status: atFork.status,
      }),
    );
  }
  const { parentInstanceId: _parent, ...started } = first;
  const events: WorkflowEvent[] = [{ ...started, instanceId: req.newInstanceId }, ...req.prefix.slice(1)];
  events.push({ type: 'ForkedFrom', v: 1, at: req.now, instanceId: req.sourceInstanceId, version: k });
  const reason = req.reason ?? `forked from ${req.sourceInstanceId} at version ${k}`;
  let patches: DataPatch[] = [];
  try {
    if (req.data !== undefined) patches.push({ op: 'replace', path: [], value: normaliseJson('data', req.data) });
    const base = req.data !== undefined ? (normaliseJson('data', req.data) as Json) : atFork.data;
    patches = [...patches, ...pathPatches(base, req.patch ?? [])];
  } catch (e) {
    return E.left(e instanceof WfeError ? e : invalid(String(e), { argument: 'data' }));
  }
  if (patches.length > 0) events.push({ type: 'DataChanged', v: 1, at: req.now, patches, reason });
  if (atFork.status === 'suspended') events.push({ type: 'WorkflowResumed', v: 1, at: req.now });
  return E.right({ events, state: fold(undefined, events) });
}

/** Split `a.b.2` into segments (numbers where the value there is an array). */
export function parsePath(path: string): string[] {
  const parts = path.replace(/^\$\.?/, '').split('.');
  if (parts.some((p) => p === '')) throw invalid(`bad data path ${JSON.stringify(path)}: expected names separated by dots (customer.name)`, { argument: 'path', path });
  return parts;
}

/**
 * Patches that set each path to its value, creating missing objects on the way (a patch whose
 * parent is missing would be dropped by the fold). Refuses to go through a scalar.
 */
export function pathPatches(data: Json, sets: readonly ForkPatch[]): DataPatch[] {
  const patches: DataPatch[] = [];
  let current: Json = data;
  for (const set of sets) {
    const parts = parsePath(set.path);
    const value = normaliseJson(set.path, set.value) as Json;
    let node: Json = current;
    const path: (string | number)[] = [];
    let i = 0;
    for (; i < parts.length - 1; i++) {
      if (node === null || typeof node !== 'object') break;
      const key = parts[i] as string;
      const next: Json | undefined = Array.isArray(node) ? node[Number(key)] : node[key];
      if (next === undefined) break;
      if (next === null || typeof next !== 'object') throw invalid(`cannot set ${set.path}: ${parts.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object`, { argument: 'path', path: set.path });
      path.push(Array.isArray(node) ? Number(key) : key);
      node = next;
    }
    if (node === null || typeof node !== 'object') throw invalid(`cannot set ${set.path}: the data there is not an object`, { argument: 'path', path: set.path });
    // Build what is missing below the deepest existing object.
    let rest: Json = value;
    for (let j = parts.length - 1; j > i; j--) rest = { [parts[j] as string]: rest };
    const key = parts[i] as string;
    if (Array.isArray(node) && !/^\d+$/.test(key)) throw invalid(`cannot set ${set.path}: ${key} is not an index of the array there`, { argument: 'path', path: set.path });
    path.push(Array.isArray(node) ? Number(key) : key);
    const exists = Array.isArray(node) ? Number(key) < node.length : Object.prototype.hasOwnProperty.call(node, key);
    patches.push({ op: exists ? 'replace' : 'add', path, value: rest });
    const box = { data: structuredClone(current) };
    applyDataPatches(box, [patches[patches.length - 1] as DataPatch]);
    current = box.data;
  }
  return patches;
}
