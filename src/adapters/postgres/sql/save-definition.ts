/**
 * Store definition $1 version $2 (hash $3, definition $4 and source $5 as JSON text, registered at
 * $6) unless that id and version exist; returns the hash stored for them either way (one round trip:
 * the outer SELECT sees the table as it was before the insert).
 */
export const saveDefinitionSql = (s: string): string => `
WITH inserted AS (
  INSERT INTO ${s}.definitions (id, version, hash, definition, source, registered_at)
  VALUES ($1, $2, $3, $4::json, $5::json, $6)
  ON CONFLICT (id, version) DO NOTHING
  RETURNING hash
)
SELECT hash FROM inserted
UNION ALL
SELECT hash FROM ${s}.definitions WHERE id = $1 AND version = $2`;
