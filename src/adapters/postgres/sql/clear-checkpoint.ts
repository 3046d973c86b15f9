/** Delete the checkpoint of projection $1. */
export const clearCheckpointSql = (s: string): string => `DELETE FROM ${s}.projection_checkpoints WHERE projection = $1`;
