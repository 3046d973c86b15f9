/** Save the snapshot of stream $1 (version $2, schema $3, state $4 as JSON text), replacing any. */
export const saveSnapshotSql = (s: string): string => `
INSERT INTO ${s}.snapshots (stream_id, version, schema, state) VALUES ($1, $2, $3, $4::json)
ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, schema = EXCLUDED.schema, state = EXCLUDED.state`;
