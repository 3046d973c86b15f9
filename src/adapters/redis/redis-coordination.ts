import type { AppendOutcome, AppendRequest, EventLog } from '../../ports/event-log.js';
import type { Persistence } from '../../ports/persistence.js';
import type { WorkQueue } from '../../ports/work-queue.js';
import { connectRedis, type RedisConnectionOptions } from './redis-connection.js';
import { redisLock, type RedisLock } from './redis-lock.js';
import { redisWakeups, type RedisWakeups } from './redis-wakeups.js';
import { redisWorkQueue } from './redis-work-queue.js';

/** Options of {@link createRedisCoordination}. */
export interface RedisCoordinationOptions extends RedisConnectionOptions {
  /** Time for lease expiry (default `Date.now`). */
  readonly clock?: () => number;
}

/** The lock, queue and wakeups on one Redis connection. */
export interface RedisCoordination {
  readonly lock: RedisLock;
  readonly queue: WorkQueue;
  readonly wakeups: RedisWakeups;
  /** Close all three (the connection closes with the last). */
  close(): Promise<void>;
}

/** Lock, work queue and wakeups on one Redis/Valkey connection. */
export async function createRedisCoordination(options: RedisCoordinationOptions): Promise<RedisCoordination> {
  const conn = await connectRedis(options);
  const lock = redisLock(conn, options.clock ?? Date.now);
  const queue = redisWorkQueue(conn);
  const wakeups = redisWakeups(conn);
  return {
    lock,
    queue,
    wakeups,
    async close() {
      await Promise.all([lock.close(), queue.close(), wakeups.close()]);
    },
  };
}

/**
 * A log whose fences are checked against the Redis lock just before the append. Not atomic with
 * the commit (two systems): a lease lost in between is caught by the expected-version check, which
 * stays the arbiter of what is recorded; the fence only stops a stale owner early.
 */
export function redisFencedLog(log: EventLog, lock: RedisLock): EventLog {
  return {
    ...log,
    async appendBatch(requests) {
      const fenced = requests.flatMap((r, i) => (r.fence ? [{ i, key: r.streamId, owner: r.fence.owner, token: r.fence.token }] : []));
      if (fenced.length === 0) return log.appendBatch(requests);
      const problems = await lock.fenceProblems(fenced);
      const refused = new Map<number, string>();
      fenced.forEach((f, k) => {
        const p = problems[k];
        if (p) refused.set(f.i, p);
      });
      const forward: AppendRequest[] = [];
      const slots: number[] = [];
      requests.forEach((r, i) => {
        if (refused.has(i)) return;
        const { fence: _checked, ...rest } = r;
        forward.push(rest);
        slots.push(i);
      });
      const results = forward.length > 0 ? await log.appendBatch(forward) : [];
      const out: AppendOutcome[] = requests.map((r, i) => ({ ok: false, streamId: r.streamId, reason: 'fenced', detail: refused.get(i) ?? '' }));
      slots.forEach((i, k) => {
        out[i] = results[k]!;
      });
      return out;
    },
  };
}

/**
 * `base` (e.g. PostgreSQL) with its lock, queue and wakeups replaced by Redis ones: the log,
 * snapshots, events and instance index stay where they were, and append fences are checked
 * against the Redis lock.
 */
export function withRedisCoordination(base: Persistence, redis: RedisCoordination): Persistence {
  return {
    ...base,
    log: redisFencedLog(base.log, redis.lock),
    lock: redis.lock,
    queue: redis.queue,
    wakeups: redis.wakeups,
  };
}
