import { instanceColumnsSql } from './instance-columns.js';

/** Rows in instance id order after $1 (null: from the first), at most $2. */
export const listInstancesSql = (s: string): string => `
SELECT ${instanceColumnsSql} FROM ${s}.instances
WHERE $1::text IS NULL OR instance_id > $1 ORDER BY instance_id LIMIT $2`;
