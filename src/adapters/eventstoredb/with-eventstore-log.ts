import type { AppendRequest, EventLog } from '../../ports/event-log.js';
import type { Persistence } from '../../ports/persistence.js';
import { redisFencedLog } from '../redis/redis-coordination.js';
import type { RedisLock } from '../redis/redis-lock.js';

/**
 * `base` (PostgreSQL, or PostgreSQL with Redis coordination) with EventStoreDB as its log: leases,
 * the queue, wakeups, snapshots, external events, the instance index and projections stay in
 * `base`. Append fences are checked against a Redis lock just before the append (as
 * `withRedisCoordination` does); with a PostgreSQL lock they cannot be checked inside the server's
 * append, so they are dropped and the expected-revision check alone decides what is recorded (a
 * host that lost its lease gets a conflict and reloads). Index rows are written right after each
 * append (`inlineWritten: false`).
 */
export function withEventStoreLog(base: Persistence, log: EventLog): Persistence {
  const lock = base.lock as Partial<RedisLock>;
  const fenced: EventLog =
    typeof lock.fenceProblems === 'function'
      ? redisFencedLog(log, base.lock as RedisLock)
      : { ...log, appendBatch: (requests) => log.appendBatch(requests.map(({ fence: _unchecked, ...rest }): AppendRequest => rest)) };
  return { ...base, log: fenced };
}
