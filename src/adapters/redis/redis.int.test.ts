import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { lockConformance, workQueueConformance } from '../../testing/conformance/index.js';
import { describeWith, dropRedisPrefix, uniqueSuffix } from '../../../test/setup/integration.js';
import { createRedisLock, createRedisWorkQueue } from './index.js';

describeWith('redis', 'Redis lock and work queue', (url) => {
  let client: Redis;
  beforeAll(() => {
    client = new Redis(url);
  });
  afterAll(async () => {
    await client.quit();
  });

  lockConformance('redis', async ({ clock }) => {
    const prefix = `lock-${uniqueSuffix()}:`;
    const lock = await createRedisLock({ client, prefix, clock: clock.now });
    return { port: lock, cleanup: async () => (await lock.close(), dropRedisPrefix(client, prefix)) };
  });

  workQueueConformance('redis', async () => {
    const prefix = `queue-${uniqueSuffix()}:`;
    const queue = await createRedisWorkQueue({ client, prefix });
    return { port: queue, cleanup: async () => (await queue.close(), dropRedisPrefix(client, prefix)) };
  });
});
