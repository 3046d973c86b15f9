/** Does schema $1 have a migrations table? */
export const migrationsTableExistsSql = (): string => `
SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'migrations'`;
