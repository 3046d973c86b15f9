/** Store a published event ($1 id, $2 name, $3 key, $4 data JSON, $5 effective at, $6 published at); a repeated id is ignored. */
export const publishEventSql = (s: string): string => `
INSERT INTO ${s}.external_events (id, name, key, data, effective_at, published_at)
VALUES ($1, $2, $3, $4::json, $5, $6) ON CONFLICT (id) DO NOTHING`;
