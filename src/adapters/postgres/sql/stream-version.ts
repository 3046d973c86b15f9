/** The stream $1's current version (0 when it has no events). */
export const streamVersionSql = (s: string): string => `
SELECT coalesce(max(version), 0) AS version FROM ${s}.events WHERE stream_id = $1`;
