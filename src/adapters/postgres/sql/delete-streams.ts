/** Purge: delete every event of the streams in $1 (text[]). The only DELETE on the events table. */
export const deleteStreamsSql = (s: string): string => `DELETE FROM ${s}.events WHERE stream_id = ANY($1::text[])`;
