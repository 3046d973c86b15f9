/** Delete projection documents given as arrays (projection, key). */
export const deleteDocumentsSql = (s: string, a: { projections: string; keys: string }): string => `
DELETE FROM ${s}.projection_documents d
USING unnest(${a.projections}, ${a.keys}) AS t(projection, key)
WHERE d.projection = t.projection AND d.key = t.key`;

/** The parameter form of {@link deleteDocumentsSql}: $1 projections, $2 keys. */
export const deleteDocumentsParamsSql = (s: string): string => deleteDocumentsSql(s, { projections: '$1::text[]', keys: '$2::text[]' });
