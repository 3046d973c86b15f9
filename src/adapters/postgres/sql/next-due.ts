/**
 * When the queue next has something to hand out: the earliest due time of an unclaimed entry, or
 * the earliest lease expiry of a claimed one (that is when it can come back). Null when empty.
 */
export const nextDueSql = (s: string): string => `
SELECT least(
  (SELECT min(due_at) FROM ${s}.queue WHERE owner IS NULL),
  (SELECT min(lease_until) FROM ${s}.queue WHERE owner IS NOT NULL)
) AS due`;
