/** Documents of projection $1 with keys in $2 (text[]). */
export const getDocumentsSql = (s: string): string => `
SELECT key, document FROM ${s}.projection_documents WHERE projection = $1 AND key = ANY($2::text[])`;
