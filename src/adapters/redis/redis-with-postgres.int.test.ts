import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { persistenceConformance } from '../../testing/conformance/index.js';
import { createTestDatabase, describeWith, dropRedisPrefix, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence } from '../postgres/index.js';
import { createRedisCoordination, withRedisCoordination } from './index.js';

// Every port suite on the combination a scaled-out deployment uses: the log, snapshots, events and
// instance index on PostgreSQL; leases, the queue and wakeups on Redis (fences checked on Redis).
describeWith('redis', 'PostgreSQL log with Redis coordination', (redisUrl) => {
  describeWith('postgres', 'PostgreSQL + Redis', (adminUrl) => {
    let pool: pg.Pool;
    let client: Redis;
    beforeAll(async () => {
      pool = new pg.Pool({ connectionString: await createTestDatabase(adminUrl, 'with_redis'), max: 12 });
      client = new Redis(redisUrl);
    });
    afterAll(async () => {
      await pool.end();
      await client.quit();
    });

    persistenceConformance(
      'postgres+redis',
      async ({ clock }) => {
        const schema = `r_${uniqueSuffix()}`;
        const prefix = `combo-${schema}:`;
        const base = await createPostgresPersistence({ pool, schema, clock: clock.now });
        const redis = await createRedisCoordination({ client, prefix, clock: clock.now });
        return {
          port: withRedisCoordination(base, redis),
          cleanup: async () => {
            await Promise.all([base.close(), redis.close()]);
            await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
            await dropRedisPrefix(client, prefix);
          },
        };
      },
      { fencing: true, inlineWrites: true },
    );
  });
});
