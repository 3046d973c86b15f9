/**
 * Enqueue instances $1 (text[]) due at $2 (bigint[]): one row per instance, the earliest due time
 * wins. On a claimed row the time is kept aside (`pending_due`) and merged when the claim ends.
 * Rows are taken in id order so concurrent batches lock them in one order (no deadlocks).
 */
export const enqueueSql = (s: string): string => `
INSERT INTO ${s}.queue AS q (instance_id, due_at)
SELECT id, min(due) FROM unnest($1::text[], $2::bigint[]) AS t(id, due) GROUP BY id ORDER BY id
ON CONFLICT (instance_id) DO UPDATE SET
  due_at = CASE WHEN q.owner IS NULL THEN least(q.due_at, EXCLUDED.due_at) ELSE q.due_at END,
  pending_due = CASE WHEN q.owner IS NULL THEN q.pending_due ELSE least(q.pending_due, EXCLUDED.due_at) END`;
