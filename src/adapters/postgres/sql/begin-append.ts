/**
 * Start an append transaction holding the schema's append lock until COMMIT (simple protocol, so
 * BEGIN and the lock cost one round trip). Appends commit one at a time in position order, so
 * `readAll` never sees position 11 committed while 10 is still in flight, and the heads read
 * next are exact. Batching many requests per transaction (group commit) is what buys throughput.
 */
export const beginAppendSql = (classId: number, key: number): string => `BEGIN; SELECT pg_advisory_xact_lock(${classId | 0}, ${key | 0})`;
