/** Rename projection $1's documents to projection $2 (the target must be empty). */
export const moveDocumentsSql = (s: string): string => `UPDATE ${s}.projection_documents SET projection = $2 WHERE projection = $1`;
