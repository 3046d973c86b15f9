/**
 * The last event (version, hash, position) of each stream in `ids` (a `text[]` SQL expression);
 * streams without one are absent.
 */
export const readHeadsSql = (s: string, ids: string): string => `
SELECT ids.id AS stream_id, h.version, h.hash, h.position
FROM unnest(${ids}) AS ids(id)
CROSS JOIN LATERAL (
  SELECT version, hash, position FROM ${s}.events
  WHERE stream_id = ids.id ORDER BY version DESC LIMIT 1
) AS h`;
