/**
 * bench/lib/pg-xacts.ts, which the peer benchmark uses to count the PostgreSQL transactions a
 * workflow costs: once settled, it counts exactly the transactions committed on the database
 * (not its own reads, not other databases'), and it refuses to read from a counted database.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { xactCounter } from '../../bench/lib/pg-xacts.js';
import { createTestDatabase, describeWith } from '../setup/integration.js';

describeWith('postgres', 'bench/lib/pg-xacts: committed transactions of a database', (adminUrl) => {
  let url: string;
  let database: string;
  let client: pg.Client;

  beforeAll(async () => {
    url = await createTestDatabase(adminUrl, 'bench_xacts');
    database = decodeURIComponent(new URL(url).pathname.slice(1));
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE t (id int)');
  });
  afterAll(async () => {
    await client.end();
  });

  // Two settling waits of 11 s each: the counters of an idle backend are published within 10 s.
  it('counts each commit on the database once, after the flush interval, and none of the reader', { timeout: 60_000 }, async () => {
    const counter = await xactCounter(adminUrl, [database]);
    try {
      const before = await counter.settled();
      for (let i = 0; i < 25; i++) await client.query('INSERT INTO t VALUES ($1)', [i]);
      await client.query('BEGIN');
      await client.query('INSERT INTO t VALUES (100)');
      await client.query('INSERT INTO t VALUES (101)');
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query('INSERT INTO t VALUES (102)');
      await client.query('ROLLBACK');
      // Readings in between are the reader's own transactions, on another database: not counted.
      await counter.read();
      await counter.read();
      const after = await counter.settled();
      expect(after.commits - before.commits).toBe(26);
      expect(after.at).toBeGreaterThan(before.at);
    } finally {
      await counter.close();
    }
  });

  it('refuses a reading connection on a database it counts', async () => {
    await expect(xactCounter(url, [database])).rejects.toThrow(/must not be on a counted database/);
  });
});
