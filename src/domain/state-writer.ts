import type { DataPatch } from './events.js';
import type { Json } from './json.js';
import { POINTER_CHUNK, type ExecutionPointer, type HandlerChain, type InstanceState } from './state.js';

/** The writable view of a state inside a `StateWriter`. */
export type WritableState = { -readonly [K in keyof InstanceState]: InstanceState[K] } & {
  pointerChunks: ExecutionPointer[][];
  activeInChunk: number[];
  consumed: { [key: string]: true };
  chains: { [id: number]: HandlerChain };
};
export type WritablePointer = { -readonly [K in keyof ExecutionPointer]: ExecutionPointer[K] };

/** A module constant (an imported binding can cost a getter call per use under some loaders). */
const CHUNK: number = POINTER_CHUNK;

let freezing = false;

/**
 * Whether states made from now on are frozen (shallowly, every object a fold or decide makes; see
 * `InstanceState`). Off by default, for speed; the test suite turns it on (test/setup/freeze-states.ts),
 * so that any code writing to a state fails there. It changes no value, only whether writes throw.
 */
export function freezeStates(on: boolean): void {
  freezing = on;
}

/**
 * A writable copy of a pointer, field by field in one fixed order: copying a frozen object by
 * spread or `Object.assign` takes V8's slow path (about 6x), and one order keeps the number of
 * object shapes small. Absent fields stay absent. Every field of `ExecutionPointer` must be here
 * (state-writer.test.ts checks it with a pointer that has them all).
 */
export function copyPointer(p: ExecutionPointer): WritablePointer {
  const q: WritablePointer = { id: p.id, stepId: p.stepId, status: p.status, active: p.active, scope: p.scope, retryCount: p.retryCount, attempt: p.attempt, open: p.open };
  if (p.predecessorId !== undefined) q.predecessorId = p.predecessorId;
  if (p.hasItem !== undefined) q.hasItem = p.hasItem;
  if (p.item !== undefined) q.item = p.item;
  if (p.handler !== undefined) q.handler = p.handler;
  if (p.compensates !== undefined) q.compensates = p.compensates;
  if (p.chainId !== undefined) q.chainId = p.chainId;
  if (p.startedAt !== undefined) q.startedAt = p.startedAt;
  if (p.sleepUntil !== undefined) q.sleepUntil = p.sleepUntil;
  if (p.persistenceData !== undefined) q.persistenceData = p.persistenceData;
  if (p.eventName !== undefined) q.eventName = p.eventName;
  if (p.eventKey !== undefined) q.eventKey = p.eventKey;
  if (p.eventAsOf !== undefined) q.eventAsOf = p.eventAsOf;
  if (p.eventTimeoutAt !== undefined) q.eventTimeoutAt = p.eventTimeoutAt;
  if (p.eventId !== undefined) q.eventId = p.eventId;
  if (p.eventData !== undefined) q.eventData = p.eventData;
  if (p.activity !== undefined) q.activity = p.activity;
  if (p.outcome !== undefined) q.outcome = p.outcome;
  if (p.error !== undefined) q.error = p.error;
  if (p.endedAt !== undefined) q.endedAt = p.endedAt;
  if (p.endSeq !== undefined) q.endSeq = p.endSeq;
  return q;
}

/** A writable copy of a state's top object, as `copyPointer` (every field of `InstanceState` must be here). */
export function copyState(b: InstanceState): WritableState {
  const s = {
    instanceId: b.instanceId,
    definitionId: b.definitionId,
    definitionVersion: b.definitionVersion,
    status: b.status,
    data: b.data,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    version: b.version,
    pointerChunks: b.pointerChunks,
    pointerCount: b.pointerCount,
    activeInChunk: b.activeInChunk,
    activeCount: b.activeCount,
    consumed: b.consumed,
    chains: b.chains,
    nextChainId: b.nextChainId,
  } as WritableState;
  if (b.definitionHash !== undefined) s.definitionHash = b.definitionHash;
  if (b.reference !== undefined) s.reference = b.reference;
  if (b.parentInstanceId !== undefined) s.parentInstanceId = b.parentInstanceId;
  if (b.forkedFrom !== undefined) s.forkedFrom = b.forkedFrom;
  if (b.completedAt !== undefined) s.completedAt = b.completedAt;
  if (b.failing !== undefined) s.failing = b.failing;
  if (b.suspendReason !== undefined) s.suspendReason = b.suspendReason;
  return s;
}

/** Deep-freeze the parts of a JSON value not frozen yet (a frozen object's members are frozen already). */
function freezeJson(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const k of Object.keys(v)) freezeJson((v as Record<string, unknown>)[k]);
}

/** A set of ids: a short list (a batch usually changes a few pointers), and a `Set` once it grows. */
class Ids {
  readonly list: number[] = [];
  private set: Set<number> | undefined;

  has(id: number): boolean {
    if (this.set) return this.set.has(id);
    const l = this.list;
    for (let i = 0; i < l.length; i++) if (l[i] === id) return true;
    return false;
  }

  add(id: number): void {
    this.list.push(id);
    if (this.set) this.set.add(id);
    else if (this.list.length > 16) this.set = new Set(this.list);
  }
}

/**
 * Builds the next state from a base state by hand-written copy-on-write: the top object is copied
 * once, and a pointer, its chunk, the chunk list, `activeInChunk`, `consumed` or `chains` are copied the
 * first time a batch changes them, then changed in place; everything else is shared with the base.
 * The base and everything reachable from it are never written. The workflow data is patched the
 * same way: each object or array on a patch's path is copied once per batch (`patchData`). No immer
 * draft: a draft per commit was half the cost of a commit that changed data (while loop, quick run).
 *
 * With `freezeStates(true)` (the test suite's setting), `finish` shallowly freezes every object the
 * writer created (state, chunk list, chunks, pointers, records), and the data deeply, so that a write to a state handed
 * out throws. Off by default: freezing was a third of the live path's cost.
 * A writer started from the empty state (a full replay) owns everything it builds and copies nothing.
 */
export class StateWriter {
  /** The state being built: the writer's own copy of the base's top object. */
  readonly s: WritableState;
  /** Built from the empty state: every object reachable from `s` is the writer's own. */
  private readonly fresh: boolean;
  private chunksOwned: boolean;
  /** Pointers (by id) and chunks (as -1 - index) this batch copied: one short list, made on first use. */
  private owned: Ids | undefined;
  private activeOwned: boolean;
  private consumedOwned: boolean;
  private chainsOwned: boolean;
  /** Objects and arrays of the data this batch copied (and may write). */
  private ownedData: Set<object> | undefined;

  constructor(base: InstanceState) {
    this.fresh = base.version === 0;
    this.s = copyState(base);
    if (this.fresh) {
      this.s.pointerChunks = [];
      this.s.activeInChunk = [];
      this.s.consumed = {};
      this.s.chains = {};
    }
    this.chunksOwned = this.activeOwned = this.consumedOwned = this.chainsOwned = this.fresh;
  }

  /** A pointer as it is now (read only), or undefined. */
  find(id: number): ExecutionPointer | undefined {
    return this.s.pointerChunks[Math.floor(id / CHUNK)]?.[id % CHUNK];
  }

  /** A pointer to change: the writer's own copy. */
  pointer(id: number): WritablePointer {
    const ci = Math.floor(id / CHUNK);
    const p = this.s.pointerChunks[ci]?.[id % CHUNK];
    if (!p) throw new RangeError(`event refers to pointer ${id}, which does not exist`);
    if (this.fresh || this.owned?.has(id)) return p;
    const copy = copyPointer(p);
    this.chunk(ci)[id % CHUNK] = copy;
    (this.owned ??= new Ids()).add(id);
    return copy;
  }

  /** Put a new pointer in place. */
  addPointer(p: WritablePointer): void {
    const ci = Math.floor(p.id / CHUNK);
    if (!this.chunksOwned) {
      this.s.pointerChunks = [...this.s.pointerChunks];
      this.chunksOwned = true;
    }
    while (this.s.pointerChunks.length <= ci) {
      if (!this.fresh) (this.owned ??= new Ids()).add(-1 - this.s.pointerChunks.length);
      this.s.pointerChunks.push([]);
    }
    this.chunk(ci)[p.id % CHUNK] = p;
    if (!this.fresh) (this.owned ??= new Ids()).add(p.id);
  }

  private chunk(ci: number): ExecutionPointer[] {
    if (!this.chunksOwned) {
      this.s.pointerChunks = [...this.s.pointerChunks];
      this.chunksOwned = true;
    }
    const chunk = this.s.pointerChunks[ci] as ExecutionPointer[];
    if (this.fresh || this.owned?.has(-1 - ci)) return chunk;
    const copy = [...chunk];
    this.s.pointerChunks[ci] = copy;
    (this.owned ??= new Ids()).add(-1 - ci);
    return copy;
  }

  /** Count pointer `id` as active (+1) or not any more (-1) in its chunk's count. */
  countActive(id: number, delta: 1 | -1): void {
    if (!this.activeOwned) {
      this.s.activeInChunk = [...this.s.activeInChunk];
      this.activeOwned = true;
    }
    const counts = this.s.activeInChunk;
    const ci = Math.floor(id / CHUNK);
    while (counts.length <= ci) counts.push(0);
    counts[ci] = (counts[ci] as number) + delta;
    this.s.activeCount += delta;
  }

  /** `consumed`, to change. */
  consumed(): { [key: string]: true } {
    if (!this.consumedOwned) {
      this.s.consumed = { ...this.s.consumed };
      this.consumedOwned = true;
    }
    return this.s.consumed;
  }

  /** `chains`, to change (the chain objects themselves are replaced, never changed). */
  chains(): { [id: number]: HandlerChain } {
    if (!this.chainsOwned) {
      this.s.chains = { ...this.s.chains };
      this.chainsOwned = true;
    }
    return this.s.chains;
  }

  /** No chains any more. */
  clearChains(): void {
    this.s.chains = {};
    this.chainsOwned = true;
  }

  /**
   * Apply patches to the data copy-on-write: each object or array on a patch's path is copied the
   * first time this batch writes under it (a full replay owns its data and copies nothing).
   */
  patchData(patches: readonly DataPatch[], apply: (d: { data: Json }, patches: readonly DataPatch[], own: <T extends object>(c: T) => T) => void): void {
    if (this.fresh) return apply(this.s as { data: Json }, patches, (c) => c);
    const owned = (this.ownedData ??= new Set<object>());
    apply(this.s as { data: Json }, patches, <T extends object>(c: T): T => {
      if (owned.has(c)) return c;
      const copy = (Array.isArray(c) ? c.slice() : { ...c }) as T;
      owned.add(copy);
      return copy;
    });
  }

  /** The new state (with everything the writer made frozen, when `freezeStates` is on). */
  finish(): InstanceState {
    const s = this.s;
    if (freezing) this.freeze(s);
    return s;
  }

  private freeze(s: WritableState): void {
    if (this.fresh) {
      for (const chunk of s.pointerChunks) {
        for (const p of chunk) Object.freeze(p);
        Object.freeze(chunk);
      }
    } else {
      for (const id of this.owned?.list ?? []) Object.freeze(id >= 0 ? this.find(id) : s.pointerChunks[-1 - id]);
    }
    if (this.chunksOwned) Object.freeze(s.pointerChunks);
    if (this.activeOwned) Object.freeze(s.activeInChunk);
    if (this.consumedOwned) Object.freeze(s.consumed);
    if (this.chainsOwned) Object.freeze(s.chains);
    freezeJson(s.data);
    Object.freeze(s);
  }
}
