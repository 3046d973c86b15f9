/** Delete the snapshots of the streams in $1 (text[]). */
export const deleteSnapshotsSql = (s: string): string => `DELETE FROM ${s}.snapshots WHERE stream_id = ANY($1::text[])`;
