/** Events of stream $1 with $2 <= version <= $3, in order. */
export const readStreamSql = (s: string): string => `
SELECT stream_id, version, position, recorded_at, event, meta, hash, signature FROM ${s}.events
WHERE stream_id = $1 AND version BETWEEN $2 AND $3 ORDER BY version`;
