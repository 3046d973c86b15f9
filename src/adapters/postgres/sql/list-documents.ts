/** Documents of projection $1 in key order after $2 (null: from the first), at most $3. */
export const listDocumentsSql = (s: string): string => `
SELECT key, document FROM ${s}.projection_documents
WHERE projection = $1 AND ($2::text IS NULL OR key > $2) ORDER BY key LIMIT $3`;
