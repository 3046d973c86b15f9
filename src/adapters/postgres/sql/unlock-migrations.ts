/** Release the migration lock ($1 class, $2 key). */
export const unlockMigrationsSql = (): string => `SELECT pg_advisory_unlock($1, $2)`;
