import { claimSql } from './claim.js';

/**
 * The claim of claim.ts, taking each claimed instance's lease in the same statement (the lease
 * rule of acquire-lease.ts: free or expired at $1, token up by one). Returns every claimed
 * instance with its lease, or a null token where another owner holds it, and the version of its
 * index row.
 */
export const claimLeasedSql = (s: string): string => `
WITH claimed AS (${claimSql(s)}),
leased AS (
  INSERT INTO ${s}.leases AS l (key, owner, token, expires_at)
  SELECT instance_id, $2, 1, $1::bigint + $4::bigint FROM claimed ORDER BY instance_id
  ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
  WHERE l.owner IS NULL OR l.expires_at <= $1
  RETURNING key, token, expires_at
)
SELECT c.instance_id, c.due_at, l.token, l.expires_at, i.version
FROM claimed AS c LEFT JOIN leased AS l ON l.key = c.instance_id LEFT JOIN ${s}.instances AS i ON i.instance_id = c.instance_id`;
