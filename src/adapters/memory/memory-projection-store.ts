import type { Json } from '../../domain/json.js';
import type { Checkpoint, DocumentWrite, ProjectionStore } from '../../ports/projection-store.js';
import { compareText } from '../../projections/search-query.js';
import { jsonCopy } from './assert-appendable.js';

/** A projection store whose document writes can also be applied synchronously (inline with a memory append). */
export interface MemoryProjectionStore extends ProjectionStore {
  /** Put or delete documents, now. */
  writeNow(writes: readonly DocumentWrite[]): void;
}

/** In-process projection documents and checkpoints; `commit` and `swap` are atomic (nothing else runs meanwhile). */
export function createMemoryProjectionStore(): MemoryProjectionStore {
  const docs = new Map<string, Map<string, Json>>();
  const checkpoints = new Map<string, Checkpoint>();
  const of = (projection: string) => {
    let m = docs.get(projection);
    if (!m) docs.set(projection, (m = new Map()));
    return m;
  };
  const writeNow = (writes: readonly DocumentWrite[]) => {
    // Copy everything first: a document that is not JSON fails the whole commit before any write.
    const copies = writes.map((w) => ({ ...w, document: w.document === null ? null : jsonCopy(w.document) }));
    for (const w of copies) {
      if (w.document === null) docs.get(w.projection)?.delete(w.key);
      else of(w.projection).set(w.key, w.document);
    }
  };
  return {
    writeNow,
    async loadCheckpoint(projection) {
      const c = checkpoints.get(projection);
      return c ? jsonCopy(c) : undefined;
    },
    async saveCheckpoint(checkpoint) {
      checkpoints.set(checkpoint.projection, jsonCopy(checkpoint));
    },
    async commit(writes, checkpoint) {
      writeNow(writes);
      if (checkpoint) checkpoints.set(checkpoint.projection, jsonCopy(checkpoint));
    },
    async get(projection, key) {
      const d = docs.get(projection)?.get(key);
      return d === undefined ? undefined : jsonCopy(d);
    },
    async getMany(projection, keys) {
      const m = docs.get(projection);
      const out = new Map<string, Json>();
      for (const k of keys) {
        const d = m?.get(k);
        if (d !== undefined) out.set(k, jsonCopy(d));
      }
      return out;
    },
    async list(projection, afterKey, limit) {
      const m = docs.get(projection) ?? new Map<string, Json>();
      const keys = [...m.keys()].filter((k) => afterKey === undefined || compareText(k, afterKey) > 0).sort(compareText);
      return keys.slice(0, Math.max(0, limit)).map((key) => ({ key, document: jsonCopy(m.get(key)!) }));
    },
    async clear(projection) {
      docs.delete(projection);
      checkpoints.delete(projection);
    },
    async swap(source, target) {
      if (source === target) return;
      const moved = docs.get(source);
      docs.delete(source);
      docs.delete(target);
      if (moved) docs.set(target, moved);
      const c = checkpoints.get(source);
      checkpoints.delete(source);
      checkpoints.delete(target);
      if (c) checkpoints.set(target, { ...c, projection: target });
    },
    async close() {},
  };
}
