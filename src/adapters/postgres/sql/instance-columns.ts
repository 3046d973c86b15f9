/** The columns of an instance row as `InstanceSummary` needs them (every statement that reads rows selects these). */
export const instanceColumnsSql = `instance_id, definition_id, definition_version, definition_hash, reference, parent_instance_id, status,
  created_at, updated_at, completed_at, next_due_at, version, waiting, sleeping, failed_steps, error, fields, text`;
