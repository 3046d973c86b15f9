import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkflowEvent } from '../../domain/events.js';
import { createTestDatabase, describeWith, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence, type PostgresPersistence } from './index.js';

const T = 1_704_067_200_000;
const DAY = 86_400_000;
const started = (id: string): WorkflowEvent => ({ type: 'WorkflowStarted', v: 1, at: T, instanceId: id, definitionId: 'order', definitionVersion: 1, data: {} });
const done: WorkflowEvent = { type: 'WorkflowCompleted', v: 1, at: T + 1 };

describeWith('postgres', 'PostgreSQL purge support', (adminUrl) => {
  let pool: pg.Pool;
  let p: PostgresPersistence;
  let schema: string;
  let now = T;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase(adminUrl, 'purge'), max: 4 });
    schema = `p_${uniqueSuffix()}`;
    p = await createPostgresPersistence({ pool, schema, clock: () => now });
  });
  afterAll(async () => {
    await p.close();
    await pool.end();
  });

  const base = { updatedAt: T, waiting: [], sleeping: [], failedSteps: [], fields: {}, text: '' };

  it('finds finished instances older than a date and removes them from every table, leaving the rest', async () => {
    const ids = ['old-done', 'old-terminated', 'new-done', 'running'];
    await p.log.appendBatch(ids.map((id) => ({ streamId: id, expectedVersion: 0, events: id === 'running' ? [started(id)] : [started(id), done] })));
    await p.instances.upsert([
      { ...base, instanceId: 'old-done', definitionId: 'order', definitionVersion: 1, status: 'complete', createdAt: T, completedAt: T + DAY, version: 2 },
      { ...base, instanceId: 'old-terminated', definitionId: 'order', definitionVersion: 1, status: 'terminated', createdAt: T, completedAt: T + 2 * DAY, version: 2 },
      { ...base, instanceId: 'new-done', definitionId: 'order', definitionVersion: 1, status: 'complete', createdAt: T, completedAt: T + 30 * DAY, version: 2 },
      { ...base, instanceId: 'running', definitionId: 'order', definitionVersion: 1, status: 'runnable', createdAt: T, version: 1 },
    ]);
    for (const id of ids) {
      await p.snapshots.save({ streamId: id, version: 1, hash: 'h', schema: 1, state: { id } });
      await p.events.subscribe({ instanceId: id, pointerId: 1, name: 'paid', key: id, asOf: T });
    }
    await p.queue.enqueue(ids.map((id) => ({ instanceId: id, dueAt: T + 365 * DAY })));
    const lease = (await p.lock.acquire('old-done', 'host', 1000))!;
    await p.lock.release(lease);
    await p.lock.acquire('running', 'host', 1000);

    const purgeable = await p.instances.query({ status: ['complete', 'terminated', 'failed'], before: T + 10 * DAY });
    const victims = purgeable.map((s) => s.instanceId);
    expect(victims).toEqual(['old-done', 'old-terminated']);
    expect(await p.log.deleteStreams(victims)).toBe(4);
    await p.snapshots.delete(victims);
    await p.queue.remove(victims);
    await p.events.removeInstances(victims);
    await p.instances.remove(victims);

    const left = async (table: string, column: string): Promise<string[]> =>
      (await pool.query(`SELECT DISTINCT ${column} AS id FROM "${schema}".${table} ORDER BY 1`)).rows.map((r) => r.id);
    expect(await left('events', 'stream_id')).toEqual(['new-done', 'running']);
    expect(await left('snapshots', 'stream_id')).toEqual(['new-done', 'running']);
    expect(await left('queue', 'instance_id')).toEqual(['new-done', 'running']);
    expect(await left('subscriptions', 'instance_id')).toEqual(['new-done', 'running']);
    expect(await left('instances', 'instance_id')).toEqual(['new-done', 'running']);
    // The idle lease of a purged stream goes too; a held one (of a live instance) never does.
    expect(await left('leases', 'key')).toEqual(['running']);
    expect((await p.instances.query({ status: 'complete' })).map((s) => s.instanceId)).toEqual(['new-done']);
  });

  it('deleteStreams is the only DELETE on events: a purged stream id starts again from version 1', async () => {
    now = T + 100;
    const [o] = await p.log.appendBatch([{ streamId: 'old-done', expectedVersion: 0, events: [started('old-done')] }]);
    expect(o).toMatchObject({ ok: true, nextVersion: 1 });
  });
});
