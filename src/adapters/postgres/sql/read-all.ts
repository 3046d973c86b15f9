/** Events of all streams after position $1, in position order, at most $2. */
export const readAllSql = (s: string): string => `
SELECT stream_id, version, position, recorded_at, event, meta, hash, signature FROM ${s}.events
WHERE position > $1 ORDER BY position LIMIT $2`;
