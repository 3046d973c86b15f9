/** Delete every document of projection $1. */
export const clearDocumentsSql = (s: string): string => `DELETE FROM ${s}.projection_documents WHERE projection = $1`;
