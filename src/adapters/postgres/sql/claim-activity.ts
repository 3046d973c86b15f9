/**
 * Claim the oldest wait named $1 that is unclaimed or whose claim ran out at $3, for worker $2
 * until $3 + $4, under the new token $5.
 */
export const claimActivitySql = (s: string): string => `
WITH c AS (
  SELECT instance_id, pointer_id FROM ${s}.subscriptions
  WHERE name = $1 AND (claim_token IS NULL OR claim_expires <= $3)
  ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
)
UPDATE ${s}.subscriptions AS w SET claim_token = $5, claim_worker = $2, claim_expires = $3::bigint + $4::bigint
FROM c WHERE w.instance_id = c.instance_id AND w.pointer_id = c.pointer_id
RETURNING w.claim_token, w.instance_id, w.pointer_id, w.claim_worker, w.claim_expires`;
