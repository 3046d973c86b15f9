/** Every definition (of id $1 when not null), by id then version. */
export const listDefinitionsSql = (s: string): string => `
SELECT id, version, hash, definition, source, registered_at FROM ${s}.definitions
WHERE $1::text IS NULL OR id = $1 ORDER BY id, version`;
