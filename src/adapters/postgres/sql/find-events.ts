/** Events named $1 with key $2 effective at or after $3, not in $4 (text[]), earliest effective first, ties in publish order, at most $5. */
export const findEventsSql = (s: string): string => `
SELECT id, name, key, data, effective_at, published_at FROM ${s}.external_events
WHERE name = $1 AND key = $2 AND effective_at >= $3 AND NOT (id = ANY($4::text[]))
ORDER BY effective_at, seq LIMIT $5`;
