import type { QueueWrite } from '../../ports/inline-writes.js';
import type { WorkQueue } from '../../ports/work-queue.js';
import type { SqliteStore } from './open-sqlite-database.js';

// An enqueue while claimed goes to requeue_at, merged in on release: the claimer may have read the
// instance before the new work arrived, so the work must outlive its release.
const ENQUEUE = `
  INSERT INTO queue (instance_id, due_at) VALUES (@id, @due)
  ON CONFLICT (instance_id) DO UPDATE SET
    due_at     = CASE WHEN claimed_by IS NULL THEN min(due_at, excluded.due_at) ELSE due_at END,
    requeue_at = CASE WHEN claimed_by IS NULL THEN requeue_at ELSE min(coalesce(requeue_at, excluded.due_at), excluded.due_at) END`;
const CLAIM = `
  UPDATE queue SET claimed_by = @owner, claim_until = @until
  WHERE instance_id IN (
    SELECT instance_id FROM queue
    WHERE due_at <= @now AND (claimed_by IS NULL OR claim_until <= @now)
    ORDER BY due_at, instance_id LIMIT @limit)
  RETURNING instance_id, due_at`;
// The start of an instance queued and claimed by the host that runs it, in the start's transaction.
// An existing row (a start that crashed before its append) keeps its claim: the lease guards the run.
const ENQUEUE_CLAIMED = `
  INSERT INTO queue (instance_id, due_at, claimed_by, claim_until) VALUES (@id, @due, @owner, @until)
  ON CONFLICT (instance_id) DO UPDATE SET
    due_at     = CASE WHEN claimed_by IS NULL THEN min(due_at, excluded.due_at) ELSE due_at END,
    requeue_at = CASE WHEN claimed_by IS NULL THEN requeue_at ELSE min(coalesce(requeue_at, excluded.due_at), excluded.due_at) END`;
const RELEASE_KEEP = `
  UPDATE queue SET
    due_at = min(coalesce(@next, requeue_at), coalesce(requeue_at, @next)),
    claimed_by = NULL, claim_until = NULL, requeue_at = NULL
  WHERE instance_id = @id AND claimed_by = @owner AND (@next IS NOT NULL OR requeue_at IS NOT NULL)`;
const RELEASE_DROP = 'DELETE FROM queue WHERE instance_id = @id AND claimed_by = @owner';
// A claimed entry comes back when its lease runs out: that is when it is next due.
const NEXT_DUE = 'SELECT min(CASE WHEN claimed_by IS NULL THEN due_at ELSE max(due_at, claim_until) END) AS next FROM queue';
const REMOVE = 'DELETE FROM queue WHERE instance_id = ?';

/** Apply a queue change that rides with an append, inside the append's transaction. */
export function writeQueueRow(store: SqliteStore, w: QueueWrite): void {
  if (w.op === 'enqueue') {
    if (w.claim) store.statement(ENQUEUE_CLAIMED).run({ id: w.instanceId, due: w.dueAt, owner: w.claim.owner, until: w.claim.until });
    else store.statement(ENQUEUE).run({ id: w.instanceId, due: w.dueAt });
    return;
  }
  releaseRow(store, w.owner, w.instanceId, w.nextDueAt);
}

function releaseRow(store: SqliteStore, owner: string, instanceId: string, nextDueAt: number | undefined): void {
  const params = { id: instanceId, owner, next: nextDueAt ?? null };
  if (store.statement(RELEASE_KEEP).run(params).changes === 0) store.statement(RELEASE_DROP).run({ id: instanceId, owner });
}

/** The work queue on SQLite: one row per instance; a claim is one UPDATE, atomic across processes. */
export function createSqliteWorkQueue(store: SqliteStore, onClose?: () => void): WorkQueue {
  const { db } = store;
  const enqueueAll = db.transaction((items: readonly { instanceId: string; dueAt: number }[]) => {
    for (const { instanceId, dueAt } of items) store.statement(ENQUEUE).run({ id: instanceId, due: dueAt });
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
      return store.guard('claiming work', () => {
        const rows = store.statement(CLAIM).all({ owner, now, until: now + leaseMs, limit }) as { instance_id: string; due_at: number }[];
        rows.sort((a, b) => a.due_at - b.due_at || (a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0));
        return rows.map((r) => r.instance_id);
      });
    },
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
