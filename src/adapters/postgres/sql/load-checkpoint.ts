/** The checkpoint of projection $1. */
export const loadCheckpointSql = (s: string): string => `
SELECT projection, projection_version, position, updated_at FROM ${s}.projection_checkpoints WHERE projection = $1`;
