/** Remove the queue entries of instances $1 (text[]), claimed or not. */
export const removeQueuedSql = (s: string): string => `DELETE FROM ${s}.queue WHERE instance_id = ANY($1::text[])`;
