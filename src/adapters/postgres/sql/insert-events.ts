/** Insert events given as parallel array SQL expressions, in order; returns each one's position. */
export const insertEventsSql = (
  s: string,
  a: { streamIds: string; versions: string; recordedAts: string; types: string; events: string; metas: string; hashes: string; signatures: string },
): string => `
INSERT INTO ${s}.events (stream_id, version, recorded_at, type, event, meta, hash, signature)
SELECT * FROM unnest(${a.streamIds}, ${a.versions}, ${a.recordedAts}, ${a.types}, ${a.events}, ${a.metas}, ${a.hashes}, ${a.signatures})
RETURNING stream_id, version, position`;
