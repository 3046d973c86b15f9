import type { WorkQueue } from '../../ports/work-queue.js';
import { claimLua } from './lua/claim.js';
import { enqueueLua } from './lua/enqueue.js';
import { nextDueLua } from './lua/next-due.js';
import { releaseLua } from './lua/release.js';
import { removeLua } from './lua/remove.js';
import { connectRedis, type RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { redisScript } from './redis-script.js';

const enqueue = redisScript(enqueueLua);
const claim = redisScript(claimLua);
const release = redisScript(releaseLua);
const nextDue = redisScript(nextDueLua);
const remove = redisScript(removeLua);

/**
 * The delayed work queue on Redis/Valkey: a sorted set of instances by due time, and claimed ones in
 * a second sorted set by lease expiry, so a crashed host's claims come back when their lease runs
 * out. Every operation is one Lua script. The keys share a hash tag (`{queue}`), so the scripts
 * also run on Redis Cluster.
 */
export async function createRedisWorkQueue(options: RedisConnectionOptions): Promise<WorkQueue> {
  return redisWorkQueue(await connectRedis(options));
}

/** {@link createRedisWorkQueue} on a connection already made (shared by the Redis ports). */
export function redisWorkQueue(conn: RedisConnection): WorkQueue {
  const { client, target } = conn;
  const base = `${conn.prefix}{queue}:`;
  const due = `${base}due`;
  const claimed = `${base}claimed`;
  const owner = `${base}owner`;
  const claimDue = `${base}claim-due`;
  const pending = `${base}pending`;
  const all = [due, claimed, owner, claimDue, pending];
  return {
    async enqueue(items) {
      if (items.length === 0) return;
      const args = items.flatMap((i) => [i.instanceId, Math.floor(i.dueAt)]);
      await enqueue.run(client, 'enqueueing work', target, [due, claimed, pending], args);
    },
    async claim(ownerId, now, limit, leaseMs) {
      if (limit <= 0) return [];
      return (await claim.run(client, 'claiming work', target, [due, claimed, owner, claimDue], [ownerId, now, limit, now + leaseMs])) as string[];
    },
    async release(ownerId, items) {
      if (items.length === 0) return;
      // One entry per instance: a repeated instance keeps the earliest next due time it was given.
      const next = new Map<string, number | undefined>();
      for (const { instanceId, nextDueAt } of items) {
        const had = next.get(instanceId);
        next.set(instanceId, had === undefined ? nextDueAt : nextDueAt === undefined ? had : Math.min(had, nextDueAt));
      }
      const args = [...next].flatMap(([id, at]) => [id, at === undefined ? '' : Math.floor(at)]);
      await release.run(client, 'releasing work', target, all, [ownerId, ...args]);
    },
    async nextDueAt() {
      const r = await nextDue.run(client, 'reading the next due time', target, [due, claimed], []);
      return r == null ? undefined : Number(r);
    },
    async remove(instanceIds) {
      if (instanceIds.length > 0) await remove.run(client, 'removing work', target, all, [...instanceIds]);
    },
    close: conn.retain(),
  };
}
