/** Record an applied migration ($1 version, $2 name). */
export const recordMigrationSql = (s: string): string => `INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`;
