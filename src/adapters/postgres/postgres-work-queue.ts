import type { WorkQueue } from '../../ports/work-queue.js';
import { num, run, statement, type PgContext } from './pg-context.js';
import { claimSql } from './sql/claim.js';
import { claimLeasedSql } from './sql/claim-leased.js';
import { enqueueSql } from './sql/enqueue.js';
import { nextDueSql } from './sql/next-due.js';
import { releaseSql } from './sql/release.js';
import { removeQueuedSql } from './sql/remove-queued.js';

/**
 * The work queue on PostgreSQL: one row per instance, claimed with `FOR UPDATE SKIP LOCKED` under a
 * lease; a claim whose lease ran out is claimable again.
 */
export function createPostgresWorkQueue(ctx: PgContext): WorkQueue {
  const st = {
    enqueue: statement(ctx, 'enqueue', enqueueSql),
    claim: statement(ctx, 'claim', claimSql),
    claimLeased: statement(ctx, 'claim-leased', claimLeasedSql),
    release: statement(ctx, 'release', releaseSql),
    nextDue: statement(ctx, 'next-due', nextDueSql),
    remove: statement(ctx, 'remove-queued', removeQueuedSql),
  };
  return {
    async enqueue(items) {
      if (items.length === 0) return;
      await run(ctx, 'enqueueing work', st.enqueue, [items.map((i) => i.instanceId), items.map((i) => Math.floor(i.dueAt))]);
    },
    async claim(owner, now, limit, leaseMs) {
      if (limit <= 0) return [];
      const rows = await run<{ instance_id: string; due_at: string }>(ctx, 'claiming work', st.claim, [now, owner, limit, leaseMs]);
      return rows
        .map((r) => ({ id: r.instance_id, due: num(r.due_at) }))
        .sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((r) => r.id);
    },
    async claimLeased(owner, now, limit, leaseMs) {
      if (limit <= 0) return [];
      const rows = await run<{ instance_id: string; due_at: string; token: string | null; expires_at: string | null; version: number | null }>(ctx, 'claiming work', st.claimLeased, [now, owner, limit, leaseMs]);
      return rows
        .sort((a, b) => num(a.due_at) - num(b.due_at) || (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0))
        .map((r) => ({
          instanceId: r.instance_id,
          ...(r.token !== null && r.expires_at !== null ? { lease: { key: r.instance_id, owner, token: num(r.token), expiresAt: num(r.expires_at) } } : {}),
          ...(r.version !== null ? { version: r.version } : {}),
        }));
    },
    async release(owner, items) {
      if (items.length === 0) return;
      // One row per instance: a repeated instance keeps the earliest next due time it was given.
      const next = new Map<string, number | null>();
      for (const { instanceId, nextDueAt } of items) {
        const due = nextDueAt === undefined ? null : Math.floor(nextDueAt);
        const had = next.get(instanceId);
        next.set(instanceId, had === undefined ? due : had === null ? due : due === null ? had : Math.min(had, due));
      }
      await run(ctx, 'releasing work', st.release, [owner, [...next.keys()], [...next.values()]]);
    },
    async nextDueAt() {
      const [row] = await run<{ due: string | null }>(ctx, 'reading the next due time', st.nextDue, []);
      return row?.due == null ? undefined : num(row.due);
    },
    async remove(instanceIds) {
      if (instanceIds.length > 0) await run(ctx, 'removing work', st.remove, [[...instanceIds]]);
    },
    async close() {},
  };
}
