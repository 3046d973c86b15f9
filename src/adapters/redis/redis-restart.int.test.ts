import { afterAll, beforeAll, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import { describeWith } from '../../../test/setup/integration.js';
import { startRedis, type RunningRedis } from '../../../test/setup/servers.js';
import { createRedisCoordination, type RedisCoordination } from './index.js';

const T = 1_704_067_200_000;

// A server of its own with an fsynced append-only file, crashed (SIGKILL) and started again.
describeWith('redis', 'Redis going away mid-run and coming back', () => {
  let server: RunningRedis;
  let redis: RedisCoordination;
  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
    redis = await createRedisCoordination({ url: server.url, clock: () => T, redisOptions: { maxRetriesPerRequest: 1 } });
  });
  afterAll(async () => {
    await redis?.close().catch(() => {});
    await server?.stop();
  });

  it('reports STORE_UNAVAILABLE while down, then carries on with the queue and leases it had', async () => {
    await redis.queue.enqueue([{ instanceId: 'a', dueAt: T }, { instanceId: 'b', dueAt: T + 5 }]);
    expect(await redis.queue.claim('h1', T, 1, 1000)).toEqual(['a']);
    const lease = (await redis.lock.acquire('a', 'h1', 10_000))!;
    await server.kill();
    const down = await redis.queue.claim('h1', T + 10, 10, 1000).catch((e: unknown) => e);
    expect(isWfeError(down, 'STORE_UNAVAILABLE')).toBe(true);
    await server.restart();
    // ioredis reconnects by itself; the AOF brought back the claim, the due entry and the lease.
    let claimed: string[] | undefined;
    for (let i = 0; i < 200 && !claimed; i++) {
      claimed = await redis.queue.claim('h2', T + 10, 10, 1000).catch(() => undefined);
      if (!claimed) await new Promise((r) => setTimeout(r, 25));
    }
    expect(claimed).toEqual(['b']);
    expect(await redis.lock.acquire('a', 'h2', 1000)).toBeUndefined();
    expect(await redis.lock.renew(lease, 10_000)).toBe(true);
    expect(await redis.queue.claim('h2', T + 1000, 10, 1000)).toEqual(['a']);
  });
});
