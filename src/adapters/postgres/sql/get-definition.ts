/** Definition $1 version $2. */
export const getDefinitionSql = (s: string): string => `
SELECT id, version, hash, definition, source, registered_at FROM ${s}.definitions WHERE id = $1 AND version = $2`;
