import type { Json } from '../domain/json.js';
import type { InstanceIndex, InstanceSummary } from '../ports/instance-index.js';
import type { Checkpoint, CheckpointStore, ProjectionStore } from '../ports/projection-store.js';

/** Where a projection's documents live, with its checkpoint. */
export interface ProjectionSink<D> {
  /** The storage name (the projection's name, or a shadow name during a rebuild). */
  readonly name: string;
  get(keys: readonly string[]): Promise<Map<string, D>>;
  /** Write documents (null: delete) and move the checkpoint; atomically where the store allows. */
  commit(writes: readonly { readonly key: string; readonly doc: D | null }[], checkpoint: Checkpoint): Promise<void>;
  loadCheckpoint(): Promise<Checkpoint | undefined>;
  list(afterKey: string | undefined, limit: number): Promise<{ readonly key: string; readonly doc: D }[]>;
  clear(): Promise<void>;
}

/** Documents in the projection store (one transaction for documents and checkpoint). */
export function documentSink<D>(store: ProjectionStore, name: string): ProjectionSink<D> {
  return {
    name,
    get: async (keys) => (await store.getMany(name, keys)) as unknown as Map<string, D>,
    commit: (writes, checkpoint) => store.commit(writes.map((w) => ({ projection: name, key: w.key, document: (w.doc ?? null) as Json | null })), { ...checkpoint, projection: name }),
    loadCheckpoint: () => store.loadCheckpoint(name),
    list: async (after, limit) => (await store.list(name, after, limit)).map((r) => ({ key: r.key, doc: r.document as unknown as D })),
    clear: () => store.clear(name),
  };
}

/**
 * The instance index as a sink: rows upserted with their version guard (a row older than the stored
 * one never replaces it), so a rebuild can run beside live hosts. The checkpoint lives in the
 * checkpoint store under the sink's name.
 */
export function indexSink(index: InstanceIndex, checkpoints: CheckpointStore, name = 'instances'): ProjectionSink<InstanceSummary | null> {
  return {
    name,
    async get(keys) {
      const m = new Map<string, InstanceSummary | null>();
      for (const k of keys) {
        const row = await index.get(k);
        if (row) m.set(k, row);
      }
      return m;
    },
    async commit(writes, checkpoint) {
      const rows = writes.map((w) => w.doc).filter((d): d is InstanceSummary => d !== null);
      const gone = writes.filter((w) => w.doc === null).map((w) => w.key);
      if (rows.length) await index.upsert(rows);
      if (gone.length) await index.remove(gone);
      await checkpoints.saveCheckpoint({ ...checkpoint, projection: name });
    },
    loadCheckpoint: () => checkpoints.loadCheckpoint(name),
    list: async (after, limit) => (await index.list(after, limit)).map((row) => ({ key: row.instanceId, doc: row })),
    async clear() {
      for (;;) {
        const page = await index.list(undefined, 1000);
        if (page.length === 0) break;
        await index.remove(page.map((r) => r.instanceId));
      }
    },
  };
}

/** Documents in memory: what `verify` rebuilds into before comparing. */
export function memorySink<D>(name: string): ProjectionSink<D> & { readonly docs: Map<string, D>; checkpoint?: Checkpoint } {
  const docs = new Map<string, D>();
  const sink = {
    name,
    docs,
    checkpoint: undefined as Checkpoint | undefined,
    get: async (keys: readonly string[]) => new Map(keys.filter((k) => docs.has(k)).map((k) => [k, docs.get(k)!] as const)),
    async commit(writes: readonly { key: string; doc: D | null }[], checkpoint: Checkpoint) {
      for (const w of writes) {
        if (w.doc === null) docs.delete(w.key);
        else docs.set(w.key, w.doc);
      }
      sink.checkpoint = checkpoint;
    },
    loadCheckpoint: async () => sink.checkpoint,
    list: async (after: string | undefined, limit: number) =>
      [...docs.keys()]
        .sort()
        .filter((k) => after === undefined || k > after)
        .slice(0, limit)
        .map((key) => ({ key, doc: docs.get(key)! })),
    async clear() {
      docs.clear();
      sink.checkpoint = undefined;
    },
  };
  return sink;
}
