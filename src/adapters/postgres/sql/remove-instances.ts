/** Remove the summaries of instances $1 (text[]). */
export const removeInstancesSql = (s: string): string => `DELETE FROM ${s}.instances WHERE instance_id = ANY($1::text[])`;
