import { generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkflowEvent } from '../../domain/events.js';
import { signHead, verifyHead } from '../../log/signing.js';
import { createTestDatabase, describeWith, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence, type PostgresPersistence } from './index.js';

const T = 1_704_067_200_000;
const started = (id: string): WorkflowEvent => ({ type: 'WorkflowStarted', v: 1, at: T, instanceId: id, definitionId: 'order', definitionVersion: 1, data: {} });
const done: WorkflowEvent = { type: 'WorkflowCompleted', v: 1, at: T + 1 };

describeWith('postgres', 'PostgreSQL audit: signatures, append-only events, purge tombstones', (adminUrl) => {
  let pool: pg.Pool;
  let p: PostgresPersistence;
  let schema: string;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await createTestDatabase(adminUrl, 'audit'), max: 4 });
    schema = `a_${uniqueSuffix()}`;
    p = await createPostgresPersistence({ pool, schema, clock: () => T });
  });
  afterAll(async () => {
    await p.close();
    await pool.end();
  });

  it('stores the head signature on the last event of a signed append, refuses UPDATE/DELETE, and purges through the gate with a tombstone', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const [out] = await p.log.appendBatch([{ streamId: 's', expectedVersion: 0, events: [started('s'), done], meta: { actor: 'alice' }, sign: (h) => signHead(privateKey, h) }]);
    expect(out?.ok).toBe(true);
    const events = await p.log.read('s');
    expect(events[0]!.signature).toBeUndefined();
    expect(verifyHead(publicKey, events[1]!.hash, events[1]!.signature!)).toBe(true);
    expect((await p.log.readAll(undefined, 10)).at(-1)!.signature).toBe(events[1]!.signature);

    await expect(pool.query(`UPDATE "${schema}".events SET meta = '{}' WHERE stream_id = 's'`)).rejects.toThrow('wfe: events are append-only (UPDATE refused)');
    await expect(pool.query(`DELETE FROM "${schema}".events WHERE stream_id = 's'`)).rejects.toThrow('wfe: events are append-only (DELETE refused: purge through wfe)');

    expect(await p.log.deleteStreams(['s'], { actor: 'ops', reason: 'retention' })).toBe(2);
    expect(await p.log.read('s')).toEqual([]);
    expect(await p.log.tombstones!()).toEqual([{ streamId: 's', lastVersion: 2, lastHash: events[1]!.hash, actor: 'ops', reason: 'retention', purgedAt: T }]);
    // The gate was this transaction's only: a plain DELETE is refused again.
    await p.log.appendBatch([{ streamId: 't', expectedVersion: 0, events: [started('t')] }]);
    await expect(pool.query(`DELETE FROM "${schema}".events WHERE stream_id = 't'`)).rejects.toThrow('append-only');
  });

  it('imports a stream with its recorded times, hashes and signatures, and refuses one that exists', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const other = await createPostgresPersistence({ pool, schema: `${schema}_src`, clock: () => T + 7 });
    await other.log.appendBatch([{ streamId: 'moved', expectedVersion: 0, events: [started('moved'), done], sign: (h) => signHead(privateKey, h) }]);
    const exported = (await other.log.read('moved')).map(({ position: _p, ...e }) => e);
    await other.close();
    await p.log.importStream!(exported);
    expect((await p.log.read('moved')).map(({ position: _p, ...e }) => e)).toEqual(exported);
    await expect(p.log.importStream!(exported)).rejects.toThrow();
  });
});
