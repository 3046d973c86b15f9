/** Session advisory lock serialising migrations of one schema across hosts ($1 class, $2 key). */
export const lockMigrationsSql = (): string => `SELECT pg_advisory_lock($1, $2)`;
