/** Save the checkpoint of projection $1: version $2, position $3 (text or null), updated at $4. */
export const saveCheckpointSql = (s: string): string => `
INSERT INTO ${s}.projection_checkpoints (projection, projection_version, position, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (projection) DO UPDATE SET
  projection_version = EXCLUDED.projection_version, position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`;
