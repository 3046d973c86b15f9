import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import { chainHash, GENESIS_HASH, verifyChain } from '../shared/hash-chain.js';
import { createTestDatabase, describeWith, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence, POSTGRES_SCHEMA_VERSION } from './index.js';
import { applyMigrations } from './migrate.js';
import { openPgContext } from './open-pg-context.js';

const T = 1_704_067_200_000;
const started = (id: string): WorkflowEvent => ({ type: 'WorkflowStarted', v: 1, at: T, instanceId: id, definitionId: 'd', definitionVersion: 1, data: { id } });

describeWith('postgres', 'PostgreSQL migrations', (adminUrl) => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase(adminUrl, 'migrations'), max: 20 });
  });
  afterAll(async () => {
    await pool.end();
  });
  const ALL = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1);
  const versions = async (schema: string): Promise<number[]> =>
    (await pool.query(`SELECT version FROM "${schema}".migrations ORDER BY version`)).rows.map((r) => r.version);

  it('creates the schema on first start and does nothing on the next', async () => {
    const schema = `m_${uniqueSuffix()}`;
    const first = await createPostgresPersistence({ pool, schema });
    expect(first.migrations).toEqual({ from: 0, to: POSTGRES_SCHEMA_VERSION });
    const again = await createPostgresPersistence({ pool, schema });
    expect(again.migrations).toEqual({ from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION });
    expect(await versions(schema)).toEqual(ALL);
  });

  it('upgrades a schema left at version 2 (before the read side), keeping its events, index rows and snapshots', async () => {
    const schema = `m_${uniqueSuffix()}`;
    const { ctx } = openPgContext({ pool, schema, clock: () => T });
    expect(await applyMigrations(ctx, 2)).toEqual({ from: 0, to: 2 });
    // Rows as wfe wrote them at version 2 (today's log writes columns that schema lacks).
    for (const id of ['a', 'b']) {
      const event = started(id);
      const hash = chainHash(GENESIS_HASH, { streamId: id, version: 1, recordedAt: T, event, meta: {} });
      await pool.query(`INSERT INTO "${schema}".events (stream_id, version, recorded_at, type, event, meta, hash) VALUES ($1, 1, $2, $3, $4, '{}', $5)`, [id, T, event.type, JSON.stringify(event), hash]);
    }
    expect(await pool.query(`SELECT to_regclass('"${schema}".definitions') AS t`).then((r) => r.rows[0].t)).toBeNull();
    await pool.query(`INSERT INTO "${schema}".instances VALUES ('a', 'order', 2, 'ref-a', 'complete', ${T}, ${T + 5}, 1)`);
    await pool.query(`INSERT INTO "${schema}".snapshots VALUES ('a', 1, 1, '{"x":1}')`);

    const p = await createPostgresPersistence({ pool, schema, clock: () => T + 1 });
    expect(p.migrations).toEqual({ from: 2, to: POSTGRES_SCHEMA_VERSION });
    expect(await versions(schema)).toEqual(ALL);
    expect(await p.instances.get('a')).toEqual({
      instanceId: 'a',
      definitionId: 'order',
      definitionVersion: 2,
      reference: 'ref-a',
      status: 'complete',
      createdAt: T,
      updatedAt: T + 5,
      completedAt: T + 5,
      version: 1,
      waiting: [],
      sleeping: [],
      failedSteps: [],
      fields: {},
      text: '',
    });
    expect(await p.snapshots.load('a')).toEqual({ streamId: 'a', version: 1, hash: '', schema: 1, state: { x: 1 } });
    expect((await p.instances.search({ status: 'complete' })).items.map((s) => s.instanceId)).toEqual(['a']);
    const [more] = await p.log.appendBatch([{ streamId: 'a', expectedVersion: 1, events: [{ type: 'WorkflowCompleted', v: 1, at: T + 1 }] }]);
    expect(more?.ok).toBe(true);
    expect(verifyChain(await p.log.read('a'))).toBeUndefined();
    expect((await p.log.readAll(undefined, 10)).map((e) => `${e.streamId}${e.version}`)).toEqual(['a1', 'b1', 'a2']);
    await p.queue.enqueue([{ instanceId: 'a', dueAt: T }]);
    expect(await p.queue.claim('h', T, 5, 1000)).toEqual(['a']);
  });

  it('migrates once when many hosts start together', async () => {
    const schema = `m_${uniqueSuffix()}`;
    const all = await Promise.all(Array.from({ length: 6 }, () => createPostgresPersistence({ pool, schema })));
    expect(all.filter((p) => p.migrations.from === 0)).toHaveLength(1);
    expect(await versions(schema)).toEqual(ALL);
  });

  it('refuses a schema written by a newer wfe, changing nothing', async () => {
    const schema = `m_${uniqueSuffix()}`;
    await createPostgresPersistence({ pool, schema });
    await pool.query(`INSERT INTO "${schema}".migrations (version, name) VALUES (${POSTGRES_SCHEMA_VERSION + 1}, 'from-the-future')`);
    const err = await createPostgresPersistence({ pool, schema }).catch((e: unknown) => e);
    expect(isWfeError(err, 'SCHEMA_TOO_NEW')).toBe(true);
    expect((err as Error).message).toContain(`version ${POSTGRES_SCHEMA_VERSION + 1}`);
    expect(await versions(schema)).toEqual([...ALL, POSTGRES_SCHEMA_VERSION + 1]);
  });

  it('with migrate: false, checks the version without touching the schema', async () => {
    const schema = `m_${uniqueSuffix()}`;
    const missing = await createPostgresPersistence({ pool, schema, migrate: false }).catch((e: unknown) => e);
    expect(isWfeError(missing, 'INVALID_STATE')).toBe(true);
    expect(await pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]).then((r) => r.rowCount)).toBe(0);
    await createPostgresPersistence({ pool, schema });
    const ok = await createPostgresPersistence({ pool, schema, migrate: false });
    expect(ok.migrations).toEqual({ from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION });
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(createPostgresPersistence({ pool, schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });
});
