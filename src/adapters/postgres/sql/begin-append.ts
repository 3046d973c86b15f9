/**
 * Start an append transaction holding the schema's append lock until COMMIT (simple protocol, so
 * it all costs one round trip). Appends commit one at a time in position order, so `readAll` never
 * sees position 11 committed while 10 is still in flight, and the heads read next are exact.
 * Batching many requests per transaction (group commit) is what buys throughput.
 *
 * The lock is only as good as its holder: a host that stalls or loses its network mid-append would
 * hold it, and every append of every host would wait, until TCP keepalive noticed (hours). So the
 * server ends a session left idle inside the transaction for `idleMs`, which frees the lock; the
 * stalled host's append then fails on its connection and is retried (or fails) cleanly.
 */
export const beginAppendSql = (classId: number, key: number, idleMs: number): string =>
  `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.floor(idleMs))}; SELECT pg_advisory_xact_lock(${classId | 0}, ${key | 0})`;
