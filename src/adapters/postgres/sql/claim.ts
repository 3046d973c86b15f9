/**
 * Claim for owner $2 until $1 + $4 up to $3 entries due at or before $1 (now): unclaimed ones, and
 * claimed ones whose lease ran out (a crashed host's), earliest due first, ties by id. Each kind is
 * read from its own partial index (one query with OR would scan the table); SKIP LOCKED lets hosts
 * claim side by side without waiting on each other's rows.
 */
export const claimSql = (s: string): string => `
WITH due AS (
  SELECT instance_id, due_at FROM ${s}.queue
  WHERE owner IS NULL AND due_at <= $1
  ORDER BY due_at, instance_id LIMIT $3
  FOR UPDATE SKIP LOCKED
), expired AS (
  SELECT instance_id, due_at FROM ${s}.queue
  WHERE owner IS NOT NULL AND lease_until <= $1
  ORDER BY lease_until LIMIT $3
  FOR UPDATE SKIP LOCKED
), c AS (
  SELECT instance_id, due_at FROM due
  UNION ALL
  SELECT instance_id, due_at FROM expired
  ORDER BY due_at, instance_id LIMIT $3
)
UPDATE ${s}.queue AS q SET owner = $2, lease_until = $1::bigint + $4::bigint
FROM c WHERE q.instance_id = c.instance_id
RETURNING q.instance_id, q.due_at`;
