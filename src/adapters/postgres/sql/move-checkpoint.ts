/** Rename projection $1's checkpoint to projection $2 (the target's must be gone). */
export const moveCheckpointSql = (s: string): string => `UPDATE ${s}.projection_checkpoints SET projection = $2 WHERE projection = $1`;
