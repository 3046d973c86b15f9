/**
 * `wfe/redis`: leases, the delayed work queue and wakeups on Redis or Valkey (the `ioredis` driver,
 * an optional peer dependency: `npm install ioredis`), to pair with a durable log such as `wfe/postgres`:
 *
 * ```ts
 * const pg = await createPostgresPersistence({ connectionString });
 * const redis = await createRedisCoordination({ url: 'redis://127.0.0.1:6379' });
 * const persistence = withRedisCoordination(pg, redis);
 * ```
 */
export { createRedisLock } from './redis-lock.js';
export type { RedisLock, RedisLockOptions, FenceQuery } from './redis-lock.js';
export { createRedisWorkQueue } from './redis-work-queue.js';
export { createRedisWakeups } from './redis-wakeups.js';
export type { RedisWakeups } from './redis-wakeups.js';
export { createRedisCoordination, withRedisCoordination, redisFencedLog } from './redis-coordination.js';
export type { RedisCoordination, RedisCoordinationOptions } from './redis-coordination.js';
export type { RedisConnectionOptions } from './redis-connection.js';
