import type { Lease, LockProvider } from '../../ports/lock.js';
import { acquireLockLua } from './lua/acquire-lock.js';
import { releaseLockLua } from './lua/release-lock.js';
import { renewLockLua } from './lua/renew-lock.js';
import { connectRedis, toRedisStoreError, type RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { redisScript } from './redis-script.js';

/** Options of {@link createRedisLock}. */
export interface RedisLockOptions extends RedisConnectionOptions {
  /** Time for lease expiry, ms since the epoch (default `Date.now`). Hosts' clocks must agree to well within a lease. */
  readonly clock?: () => number;
}

/** An append fence to check: the lease the appender believes it holds. */
export interface FenceQuery {
  readonly key: string;
  readonly owner: string;
  readonly token: number;
}

/** The Redis lock, which can also tell whether fences are still the current leases. */
export interface RedisLock extends LockProvider {
  /** Per fence: why it is no longer the current lease of its key, or undefined when it is. */
  fenceProblems(fences: readonly FenceQuery[]): Promise<(string | undefined)[]>;
}

const acquire = redisScript(acquireLockLua);
const renew = redisScript(renewLockLua);
const release = redisScript(releaseLockLua);

/**
 * Leases on Redis/Valkey: one hash per key (`owner`, `token`, `exp`) changed only by Lua scripts, so
 * check-and-set is atomic. Expiry is compared with the injected clock, not Redis TTLs, and the hash
 * outlives a release so the fencing token only ever goes up.
 */
export async function createRedisLock(options: RedisLockOptions): Promise<RedisLock> {
  return redisLock(await connectRedis(options), options.clock ?? Date.now);
}

/** {@link createRedisLock} on a connection already made (shared by the Redis ports). */
export function redisLock(conn: RedisConnection, clock: () => number): RedisLock {
  const { client, target } = conn;
  const k = (key: string): string => `${conn.prefix}lock:${key}`;
  return {
    async acquire(key, owner, ttlMs) {
      const now = clock();
      const token = await acquire.run(client, 'acquiring a lease', target, [k(key)], [owner, now, now + ttlMs]);
      return token == null ? undefined : ({ key, owner, token: Number(token), expiresAt: now + ttlMs } satisfies Lease);
    },
    async renew(lease, ttlMs) {
      const now = clock();
      return (await renew.run(client, 'renewing a lease', target, [k(lease.key)], [lease.owner, lease.token, now, now + ttlMs])) === 1;
    },
    async release(lease) {
      await release.run(client, 'releasing a lease', target, [k(lease.key)], [lease.owner, lease.token]);
    },
    async fenceProblems(fences) {
      if (fences.length === 0) return [];
      const pipeline = client.pipeline();
      for (const f of fences) pipeline.hmget(k(f.key), 'owner', 'token');
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await pipeline.exec();
      } catch (e) {
        throw toRedisStoreError(e, 'checking fences', target);
      }
      return fences.map((f, i) => {
        const [err, value] = replies?.[i] ?? [new Error('no reply'), null];
        if (err) throw toRedisStoreError(err, 'checking fences', target);
        const [owner, token] = (value as (string | null)[]) ?? [];
        if (token == null) return `no lease was ever issued on ${f.key}`;
        if (owner === f.owner && Number(token) === f.token) return undefined;
        if (!owner) return `the lease on ${f.key} was released (latest token ${token})`;
        return `the lease on ${f.key} is held by ${owner} with token ${token}, not by ${f.owner} with token ${f.token}`;
      });
    },
    close: conn.retain(),
  };
}
