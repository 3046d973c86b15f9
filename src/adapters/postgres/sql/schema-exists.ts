/** Does the schema exist? ($1: its plain name). Checked first: CREATE SCHEMA needs a privilege. */
export const schemaExistsSql = (): string => `SELECT 1 FROM pg_namespace WHERE nspname = $1`;
