/** Hash and position of the events at ($1 stream ids, $2 versions), pairwise. */
export const readEventAtSql = (s: string): string => `
SELECT e.stream_id, e.version, e.hash, e.position
FROM unnest($1::text[], $2::int[]) AS k(stream_id, version)
JOIN ${s}.events e ON e.stream_id = k.stream_id AND e.version = k.version`;
