/** The summary of instance $1. */
export const getInstanceSql = (s: string): string => `
SELECT instance_id, definition_id, definition_version, reference, status, created_at, completed_at, version
FROM ${s}.instances WHERE instance_id = $1`;
