/** Put projection documents given as arrays (projection, key, document JSON); one write per (projection, key). */
export const putDocumentsSql = (s: string, a: { projections: string; keys: string; documents: string }): string => `
INSERT INTO ${s}.projection_documents (projection, key, document)
SELECT * FROM unnest(${a.projections}, ${a.keys}, ${a.documents})
ON CONFLICT (projection, key) DO UPDATE SET document = EXCLUDED.document`;

/** The parameter form of {@link putDocumentsSql}: $1 projections, $2 keys, $3 documents (JSON text). */
export const putDocumentsParamsSql = (s: string): string =>
  putDocumentsSql(s, { projections: '$1::text[]', keys: '$2::text[]', documents: '$3::json[]' });
