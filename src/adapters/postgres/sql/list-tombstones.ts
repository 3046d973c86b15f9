/** Every tombstone, oldest first. */
export const listTombstonesSql = (s: string): string => `
SELECT stream_id, last_version, last_hash, actor, reason, purged_at FROM ${s}.tombstones ORDER BY purged_at, stream_id`;
