/** The first definition (by id, then version) whose hash is $1. */
export const definitionByHashSql = (s: string): string => `
SELECT id, version, hash, definition, source, registered_at FROM ${s}.definitions WHERE hash = $1 ORDER BY id, version LIMIT 1`;
