import type { LeaseWrite, QueueWrite } from '../../ports/inline-writes.js';
import type { Lease } from '../../ports/lock.js';
import type { WorkQueue } from '../../ports/work-queue.js';
import type { SqliteStore } from './open-sqlite-database.js';

// An enqueue while claimed goes to requeue_at, merged in on release: the claimer may have read the
// instance before the new work arrived, so the work must outlive its release. A start run by the
// host that queues it comes claimed (@owner, @until; null otherwise); an existing row (a start that
// crashed before its append) keeps its claim: the lease guards the run.
const ENQUEUE = `
  INSERT INTO queue (instance_id, due_at, claimed_by, claim_until) VALUES (@id, @due, @owner, @until)
  ON CONFLICT (instance_id) DO UPDATE SET
    due_at     = CASE WHEN claimed_by IS NULL THEN min(due_at, excluded.due_at) ELSE due_at END,
    requeue_at = CASE WHEN claimed_by IS NULL THEN requeue_at ELSE min(coalesce(requeue_at, excluded.due_at), excluded.due_at) END`;
// Unclaimed due entries and expired claims (a crashed host's), each from its partial index.
const CLAIM = `
  UPDATE queue SET claimed_by = @owner, claim_until = @until
  WHERE instance_id IN (
    SELECT instance_id FROM (
      SELECT instance_id, due_at FROM (
        SELECT instance_id, due_at FROM queue INDEXED BY queue_unclaimed_due
        WHERE claimed_by IS NULL AND due_at <= @now ORDER BY due_at, instance_id LIMIT @limit)
      UNION ALL
      SELECT instance_id, due_at FROM (
        SELECT instance_id, due_at FROM queue INDEXED BY queue_claim_expiry
        WHERE claimed_by IS NOT NULL AND claim_until <= @now ORDER BY claim_until LIMIT @limit)
    ) ORDER BY due_at, instance_id LIMIT @limit)
  RETURNING instance_id, due_at`;
const RELEASE_KEEP = `
  UPDATE queue SET
    due_at = min(coalesce(@next, requeue_at), coalesce(requeue_at, @next)),
    claimed_by = NULL, claim_until = NULL, requeue_at = NULL
  WHERE instance_id = @id AND claimed_by = @owner AND (@next IS NOT NULL OR requeue_at IS NOT NULL)`;
const RELEASE_DROP = 'DELETE FROM queue WHERE instance_id = @id AND claimed_by = @owner';
// A claimed entry comes back when its lease runs out: that is when it is next due. Each kind from its index.
const NEXT_DUE = `
  SELECT min(d) AS next FROM (
    SELECT min(due_at) AS d FROM queue INDEXED BY queue_unclaimed_due WHERE claimed_by IS NULL
    UNION ALL
    SELECT min(max(due_at, claim_until)) FROM queue INDEXED BY queue_claim_expiry WHERE claimed_by IS NOT NULL)`;
const REMOVE = 'DELETE FROM queue WHERE instance_id = ?';
const INDEXED_VERSION = 'SELECT version FROM instances WHERE instance_id = ?';

/** Apply a queue change that rides with an append, inside the append's transaction. */
export function writeQueueRow(store: SqliteStore, w: QueueWrite): void {
  if (w.op === 'enqueue') {
    store.statement(ENQUEUE).run({ id: w.instanceId, due: w.dueAt, owner: w.claim?.owner ?? null, until: w.claim?.until ?? null });
    return;
  }
  releaseRow(store, w.owner, w.instanceId, w.nextDueAt);
}

function releaseRow(store: SqliteStore, owner: string, instanceId: string, nextDueAt: number | undefined): void {
  const params = { id: instanceId, owner, next: nextDueAt ?? null };
  if (store.statement(RELEASE_KEEP).run(params).changes === 0) store.statement(RELEASE_DROP).run({ id: instanceId, owner });
}

/**
 * The work queue on SQLite: one row per instance; a claim is one UPDATE, atomic across processes.
 * `takeLease` (leases in the same file): `claimLeased` takes each claimed instance's lease in the
 * claim's transaction.
 */
export function createSqliteWorkQueue(store: SqliteStore, onClose?: () => void, takeLease?: (w: Extract<LeaseWrite, { op: 'acquire' }>) => Lease | undefined): WorkQueue {
  const { db } = store;
  const claimRows = (owner: string, now: number, limit: number, leaseMs: number): string[] => {
    const rows = store.statement(CLAIM).all({ owner, now, until: now + leaseMs, limit }) as { instance_id: string; due_at: number }[];
    rows.sort((a, b) => a.due_at - b.due_at || (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0));
    return rows.map((r) => r.instance_id);
  };
  const claimLeasedTx = takeLease
    ? db.transaction((owner: string, now: number, limit: number, leaseMs: number) =>
        claimRows(owner, now, limit, leaseMs).map((instanceId) => {
          const lease = takeLease({ op: 'acquire', key: instanceId, owner, now, expiresAt: now + leaseMs });
          const row = store.statement(INDEXED_VERSION).get(instanceId) as { version: number } | undefined;
          return { instanceId, ...(lease ? { lease } : {}), ...(row ? { version: row.version } : {}) };
        }),
      )
    : undefined;
  const enqueueAll = db.transaction((items: readonly { instanceId: string; dueAt: number }[]) => {
    for (const { instanceId, dueAt } of items) store.statement(ENQUEUE).run({ id: instanceId, due: dueAt, owner: null, until: null });
  });
  const releaseAll = db.transaction((owner: string, items: readonly { instanceId: string; nextDueAt?: number }[]) => {
    for (const { instanceId, nextDueAt } of items) releaseRow(store, owner, instanceId, nextDueAt);
  });
  const removeAll = db.transaction((ids: readonly string[]) => {
    for (const id of ids) store.statement(REMOVE).run(id);
  });
  let closed = false;
  return {
    async enqueue(items) {
      if (items.length > 0) store.guard('enqueueing', () => enqueueAll.immediate(items));
    },
    async claim(owner, now, limit, leaseMs) {
      if (limit <= 0) return [];
      return store.guard('claiming work', () => claimRows(owner, now, limit, leaseMs));
    },
    ...(claimLeasedTx
      ? {
          async claimLeased(owner: string, now: number, limit: number, leaseMs: number) {
            if (limit <= 0) return [];
            return store.guard('claiming work', () => claimLeasedTx.immediate(owner, now, limit, leaseMs));
          },
        }
      : {}),
    async release(owner, items) {
      if (items.length > 0) store.guard('releasing work', () => releaseAll.immediate(owner, items));
    },
    async nextDueAt() {
      return store.guard('reading the queue', () => {
        const row = store.statement(NEXT_DUE).get() as { next: number | null };
        return row.next ?? undefined;
      });
    },
    async remove(instanceIds) {
      if (instanceIds.length > 0) store.guard('removing work', () => removeAll.immediate(instanceIds));
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose?.();
    },
  };
}
