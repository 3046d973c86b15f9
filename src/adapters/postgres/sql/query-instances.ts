import { instanceColumnsSql } from './instance-columns.js';

/**
 * Summaries filtered by status ($1 text[] or null), definition ($2), reference ($3), and age
 * ($4: completed, or created when not complete, before it), oldest first, $5 limit, $6 offset.
 */
export const queryInstancesSql = (s: string): string => `
SELECT ${instanceColumnsSql}
FROM ${s}.instances
WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))
  AND ($2::text IS NULL OR definition_id = $2)
  AND ($3::text IS NULL OR reference = $3)
  AND ($4::bigint IS NULL OR coalesce(completed_at, created_at) < $4)
ORDER BY created_at, instance_id
LIMIT $5 OFFSET $6`;
