/** Take the schema's append lock inside a transaction (held until it ends). */
export const lockAppendsSql = (classId: number, key: number): string => `SELECT pg_advisory_xact_lock(${classId | 0}, ${key | 0})`;
