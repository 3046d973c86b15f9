/**
 * Finish owner $1's claims on instances $2 (text[]), each kept due at the earlier of its next due
 * time ($3, bigint[], null for none) and any enqueue that arrived during the claim, or deleted when
 * both are null. Rows $1 no longer holds are left alone; rows are locked in id order.
 */
export const releaseSql = (s: string): string => `
WITH r AS (
  SELECT q.instance_id, least(t.next_due, q.pending_due) AS next_due
  FROM ${s}.queue AS q JOIN unnest($2::text[], $3::bigint[]) AS t(id, next_due) ON q.instance_id = t.id
  WHERE q.owner = $1
  ORDER BY q.instance_id
  FOR UPDATE OF q
), dropped AS (
  DELETE FROM ${s}.queue AS q USING r WHERE q.instance_id = r.instance_id AND r.next_due IS NULL
)
UPDATE ${s}.queue AS q SET due_at = r.next_due, owner = NULL, lease_until = NULL, pending_due = NULL
FROM r WHERE q.instance_id = r.instance_id AND r.next_due IS NOT NULL`;
