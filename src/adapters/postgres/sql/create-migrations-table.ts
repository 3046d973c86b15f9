/** The table of applied migrations: its highest version is the schema's version. */
export const createMigrationsTableSql = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
