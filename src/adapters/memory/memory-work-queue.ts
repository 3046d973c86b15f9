import type { QueueWrite } from '../../ports/inline-writes.js';
import type { WorkQueue } from '../../ports/work-queue.js';

interface Entry {
  dueAt: number;
  owner?: string;
  leaseUntil?: number;
  /** Earliest due time of enqueues that arrived while claimed. */
  requeueAt?: number;
}

const earliest = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

/** The memory queue, which can also take a change with an append (`writeNow`, synchronously). */
export interface MemoryWorkQueue extends WorkQueue {
  writeNow(write: QueueWrite): void;
}

/** An in-process work queue: one entry per instance, claims are leases. */
export function createMemoryWorkQueue(): MemoryWorkQueue {
  const entries = new Map<string, Entry>();
  const enqueueOne = (instanceId: string, dueAt: number, claim?: { owner: string; until: number }) => {
    const e = entries.get(instanceId);
    if (!e) entries.set(instanceId, claim ? { dueAt, owner: claim.owner, leaseUntil: claim.until } : { dueAt });
    else if (e.owner === undefined) e.dueAt = Math.min(e.dueAt, dueAt);
    else e.requeueAt = earliest(e.requeueAt, dueAt);
  };
  const releaseOne = (owner: string, instanceId: string, nextDueAt: number | undefined) => {
    const e = entries.get(instanceId);
    if (!e || e.owner !== owner) return;
    const dueAt = earliest(nextDueAt, e.requeueAt);
    if (dueAt === undefined) entries.delete(instanceId);
    else entries.set(instanceId, { dueAt });
  };
  return {
    writeNow(w) {
      if (w.op === 'enqueue') enqueueOne(w.instanceId, w.dueAt, w.claim);
      else releaseOne(w.owner, w.instanceId, w.nextDueAt);
    },
    async enqueue(items) {
      for (const { instanceId, dueAt } of items) enqueueOne(instanceId, dueAt);
    },
    async claim(owner, now, limit, leaseMs) {
      const due = [...entries]
        .filter(([, e]) => e.dueAt <= now && (e.owner === undefined || e.leaseUntil! <= now))
        .sort(([ia, a], [ib, b]) => a.dueAt - b.dueAt || (ia < ib ? -1 : ia > ib ? 1 : 0))
        .slice(0, Math.max(0, limit));
      for (const [, e] of due) {
        e.owner = owner;
        e.leaseUntil = now + leaseMs;
      }
      return due.map(([id]) => id);
    },
    async release(owner, items) {
      for (const { instanceId, nextDueAt } of items) releaseOne(owner, instanceId, nextDueAt);
    },
    async nextDueAt() {
      let next: number | undefined;
      for (const e of entries.values()) next = earliest(next, e.owner === undefined ? e.dueAt : Math.max(e.dueAt, e.leaseUntil!));
      return next;
    },
    async remove(instanceIds) {
      for (const id of instanceIds) entries.delete(id);
    },
    async close() {},
  };
}
