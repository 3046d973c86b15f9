import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeWith, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence, type PostgresPersistence } from './index.js';

const eventually = async (pred: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describeWith('postgres', 'PostgreSQL LISTEN/NOTIFY wakeups', (adminUrl) => {
  let url: string;
  let admin: pg.Pool;
  let a: PostgresPersistence;
  let b: PostgresPersistence;
  beforeAll(async () => {
    url = await createTestDatabase(adminUrl, 'wakeups');
    admin = new pg.Pool({ connectionString: url, max: 2 });
    const schema = `w_${uniqueSuffix()}`;
    a = await createPostgresPersistence({ connectionString: url, schema });
    b = await createPostgresPersistence({ connectionString: url, schema });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await admin.end();
  });

  it('wakes a host listening on another connection, and stops after unsubscribing', async () => {
    let woken = 0;
    const off = a.wakeups.onWakeup(() => woken++);
    await a.wakeups.listening();
    await b.wakeups.notify();
    await eventually(() => woken === 1, 'the wakeup');
    off();
    await b.wakeups.notify();
    await new Promise((r) => setTimeout(r, 100));
    expect(woken).toBe(1);
  });

  it('does not mix schemas: another deployment in the same database is not woken', async () => {
    const other = await createPostgresPersistence({ connectionString: url, schema: `w_${uniqueSuffix()}` });
    try {
      let woken = 0;
      other.wakeups.onWakeup(() => woken++);
      await other.wakeups.listening();
      await b.wakeups.notify();
      await new Promise((r) => setTimeout(r, 100));
      expect(woken).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('reconnects when its connection is killed, waking listeners once for what they may have missed', async () => {
    let woken = 0;
    const off = a.wakeups.onWakeup(() => woken++);
    await a.wakeups.listening();
    const listener = async (): Promise<number | undefined> =>
      (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`)).rows[0]?.pid;
    const pid = await listener();
    expect(pid).toBeDefined();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(() => woken === 1, 'the wake after reconnecting');
    await eventually(async () => {
      const now = await listener();
      return now !== undefined && now !== pid;
    }, 'a new LISTEN connection');
    await b.wakeups.notify();
    await eventually(() => woken === 2, 'a wakeup on the new connection');
    off();
  });
});
