/** Insert events given as parallel arrays, in order; returns each one's position. */
export const insertEventsSql = (s: string): string => `
INSERT INTO ${s}.events (stream_id, version, recorded_at, type, event, meta, hash)
SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::json[], $6::json[], $7::text[])
RETURNING stream_id, version, position`;
