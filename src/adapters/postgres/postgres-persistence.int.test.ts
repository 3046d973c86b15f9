import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { persistenceConformance } from '../../testing/conformance/index.js';
import { createTestDatabase, describeWith, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence } from './index.js';

// Every port suite on PostgreSQL: each test gets a fresh schema in this file's database.
describeWith('postgres', 'PostgreSQL persistence', (adminUrl) => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase(adminUrl, 'conformance'), max: 12 });
  });
  afterAll(async () => {
    await pool.end();
  });

  persistenceConformance(
    'postgres',
    async ({ clock }) => {
      const schema = `c_${uniqueSuffix()}`;
      const persistence = await createPostgresPersistence({ pool, schema, clock: clock.now });
      return {
        port: persistence,
        cleanup: async () => {
          await persistence.close();
          await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
        },
      };
    },
    { fencing: true, inlineWrites: true },
  );
});
