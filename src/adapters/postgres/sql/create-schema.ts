/** Create the adapter's schema. */
export const createSchemaSql = (s: string): string => `CREATE SCHEMA IF NOT EXISTS ${s}`;
