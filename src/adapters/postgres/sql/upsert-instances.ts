/** Insert or replace instance summaries given as parallel arrays (one row per id, the last given wins). */
export const upsertInstancesSql = (s: string): string => `
INSERT INTO ${s}.instances AS i
  (instance_id, definition_id, definition_version, reference, status, created_at, completed_at, version)
SELECT DISTINCT ON (t.id) t.id, t.def, t.defv, t.ref, t.status, t.created, t.completed, t.version
FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::int[])
  WITH ORDINALITY AS t(id, def, defv, ref, status, created, completed, version, n)
ORDER BY t.id, t.n DESC
ON CONFLICT (instance_id) DO UPDATE SET
  definition_id = EXCLUDED.definition_id, definition_version = EXCLUDED.definition_version,
  reference = EXCLUDED.reference, status = EXCLUDED.status, created_at = EXCLUDED.created_at,
  completed_at = EXCLUDED.completed_at, version = EXCLUDED.version`;
