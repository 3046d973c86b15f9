/** The snapshot of stream $1. */
export const loadSnapshotSql = (s: string): string => `
SELECT stream_id, version, schema, state, hash FROM ${s}.snapshots WHERE stream_id = $1`;
