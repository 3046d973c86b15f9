/** Snapshots in stream id order after $1 (null: from the first), at most $2. */
export const listSnapshotsSql = (s: string): string => `
SELECT stream_id, version, schema, state, hash FROM ${s}.snapshots
WHERE $1::text IS NULL OR stream_id > $1 ORDER BY stream_id LIMIT $2`;
