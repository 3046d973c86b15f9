/** The schema's version: the highest applied migration (0 for none). */
export const schemaVersionSql = (s: string): string => `SELECT coalesce(max(version), 0) AS version FROM ${s}.migrations`;
