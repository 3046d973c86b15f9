/** Tombstones for streams $1 (text[]) from their last events, by $2 (actor) for $3 (reason) at $4. */
export const insertTombstonesSql = (s: string): string => `
INSERT INTO ${s}.tombstones (stream_id, last_version, last_hash, actor, reason, purged_at)
SELECT DISTINCT ON (stream_id) stream_id, version, hash, $2::text, $3::text, $4::bigint FROM ${s}.events
WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version DESC
ON CONFLICT (stream_id, last_version) DO NOTHING`;
