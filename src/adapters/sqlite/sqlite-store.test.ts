import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { AppendRequest } from '../../ports/event-log.js';
import { comparePositions, positionOf } from '../../log/position.js';
import { summary } from '../../testing/conformance/fixtures.js';
import { verifyChain } from '../shared/hash-chain.js';
import { createSqlitePersistence, SQLITE_SCHEMA_VERSION } from './index.js';
import { MIGRATIONS } from './migrations.js';

const T0 = 1_704_067_200_000;
const step = (pointerId: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: T0, pointerId, attempt: 1 });
const req = (streamId: string, expectedVersion: number, count: number): AppendRequest => ({
  streamId,
  expectedVersion,
  events: Array.from({ length: count }, (_, i) => step(expectedVersion + i + 1)),
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wfe-sqlite-store-'));
  file = join(dir, 'wfe.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database with `streams` streams of `events` events each, closed. */
async function seedFile(streams: number, events: number): Promise<void> {
  const p = createSqlitePersistence({ path: file, clock: () => T0 });
  await p.log.appendBatch(Array.from({ length: streams }, (_, i) => req(`s${i}`, 0, events)));
  await p.close();
}

describe('sqlite persistence on disk', () => {
  it('creates the parent folders and a WAL database at the current schema version', async () => {
    const nested = join(dir, 'a', 'b', 'wfe.db');
    const p = createSqlitePersistence({ path: nested });
    await p.close();
    const raw = new Database(nested, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    raw.close();
  });

  it('keeps everything across close and reopen, and goes on chaining and numbering', async () => {
    let now = T0;
    const first = createSqlitePersistence({ path: file, clock: () => now, lock: 'shared' });
    await first.log.appendBatch([req('s', 0, 3)]);
    await first.snapshots.save({ streamId: 's', version: 3, hash: 'h3', schema: 1, state: { a: [1] } });
    await first.queue.enqueue([{ instanceId: 's', dueAt: T0 + 5 }]);
    const lease = (await first.lock.acquire('s', 'host-1', 60_000))!;
    await first.events.publish({ id: 'e1', name: 'n', key: 'k', data: { x: 1 }, effectiveAt: T0, publishedAt: T0 });
    await first.events.subscribe({ instanceId: 's', pointerId: 1, name: 'n', key: 'k', asOf: T0 });
    await first.instances.upsert([summary('s', 'runnable', T0, { text: 'kept after reopen' })]);
    await first.definitions.save({ id: 'd', version: 1, hash: 'dh', definition: { id: 'd' }, registeredAt: T0 });
    await first.projections.commit([{ projection: 'p', key: 's', document: { n: 1 } }], { projection: 'p', projectionVersion: 1, position: positionOf(3), updatedAt: T0 });
    const before = await first.log.readAll(undefined, 100);
    await first.close();

    now = T0 + 10;
    const second = createSqlitePersistence({ path: file, clock: () => now, lock: 'shared' });
    expect(await second.log.read('s')).toEqual(before);
    expect(await second.snapshots.load('s')).toEqual({ streamId: 's', version: 3, hash: 'h3', schema: 1, state: { a: [1] } });
    expect((await second.instances.search({ text: 'reopen' })).items.map((x) => x.instanceId)).toEqual(['s']);
    expect((await second.definitions.get('d', 1))?.hash).toBe('dh');
    expect(await second.projections.get('p', 's')).toEqual({ n: 1 });
    expect((await second.projections.loadCheckpoint('p'))?.position).toBe(positionOf(3));
    expect(await second.queue.nextDueAt()).toBe(T0 + 5);
    expect(await second.lock.acquire('s', 'host-2', 1000)).toBeUndefined();
    expect(await second.lock.renew(lease, 1000)).toBe(true);
    expect(await second.events.find('n', 'k', 0, new Set(), 10)).toHaveLength(1);
    expect(await second.events.subscribers('n', 'k')).toHaveLength(1);
    expect((await second.instances.get('s'))?.version).toBe(3);
    const [out] = await second.log.appendBatch([{ ...req('s', 3, 2), fence: { owner: 'host-1', token: lease.token } }]);
    expect(out).toMatchObject({ ok: true, nextVersion: 5 });
    const all = await second.log.read('s');
    expect(verifyChain(all)).toBeUndefined();
    expect(comparePositions(all[3]!.position, before[2]!.position)).toBeGreaterThan(0);
    await second.close();
  });

  it('sees appends made through another connection to the same file (no stale cache)', async () => {
    const a = createSqlitePersistence({ path: file });
    const b = createSqlitePersistence({ path: file });
    expect((await a.log.appendBatch([req('s', 0, 1)]))[0]?.ok).toBe(true);
    expect((await b.log.appendBatch([req('s', 0, 1)]))[0]).toEqual({ ok: false, streamId: 's', reason: 'conflict', actualVersion: 1 });
    expect((await b.log.appendBatch([req('s', 1, 1)]))[0]?.ok).toBe(true);
    expect(verifyChain(await a.log.read('s'))).toBeUndefined();
    await a.close();
    await b.close();
  });

  it('shares leases between connections to one file with lock: shared, and keeps them per process by default', async () => {
    const a = createSqlitePersistence({ path: file, lock: 'shared' });
    const b = createSqlitePersistence({ path: file, lock: 'shared' });
    const lease = (await a.lock.acquire('i', 'host-a', 60_000))!;
    expect(await b.lock.acquire('i', 'host-b', 60_000)).toBeUndefined();
    const [fenced] = await b.log.appendBatch([{ ...req('i', 0, 1), fence: { owner: 'host-a', token: lease.token } }]);
    expect(fenced?.ok).toBe(true);
    await a.lock.release(lease);
    expect(await b.lock.acquire('i', 'host-b', 60_000)).toMatchObject({ token: lease.token + 1 });
    const c = createSqlitePersistence({ path: file });
    const d = createSqlitePersistence({ path: file });
    expect(await c.lock.acquire('i', 'host-c', 60_000)).toBeDefined();
    expect(await d.lock.acquire('i', 'host-d', 60_000)).toBeDefined();
    for (const p of [a, b, c, d]) await p.close();
  });

  it('closes the database once every port is closed, or at once with close()', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.log.close();
    await p.queue.close();
    await p.lock.close();
    await p.events.close();
    await p.instances.close();
    await p.projections.close();
    expect(await p.log.streamVersion('s')).toBe(0);
    await p.wakeups!.close();
    expect(isWfeError(await rejection(p.log.streamVersion('s')), 'STORE_UNAVAILABLE')).toBe(true);
    const q = createSqlitePersistence({ path: file });
    await q.close();
    expect(isWfeError(await rejection(q.queue.nextDueAt()), 'STORE_UNAVAILABLE')).toBe(true);
    await q.log.close();
  });
});

describe('sqlite migration 2 (read side)', () => {
  it('carries a schema-1 file over: index rows, snapshots and events stay, new columns get defaults, search works', async () => {
    const raw = new Database(file);
    raw.exec(MIGRATIONS[0]!.sql);
    raw.pragma('user_version = 1');
    raw.prepare('INSERT INTO instances VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('old', 'order', 2, 'ref-1', 'complete', T0, T0 + 5, 7);
    raw.prepare('INSERT INTO snapshots VALUES (?, ?, ?, ?)').run('old', 7, 1, '{"a":1}');
    raw.close();
    const p = createSqlitePersistence({ path: file });
    expect(await p.instances.get('old')).toEqual({
      instanceId: 'old',
      definitionId: 'order',
      definitionVersion: 2,
      reference: 'ref-1',
      status: 'complete',
      createdAt: T0,
      updatedAt: T0 + 5,
      completedAt: T0 + 5,
      version: 7,
      waiting: [],
      sleeping: [],
      failedSteps: [],
      fields: {},
      text: '',
    });
    expect(await p.snapshots.load('old')).toEqual({ streamId: 'old', version: 7, hash: '', schema: 1, state: { a: 1 } });
    await p.instances.upsert([summary('old', 'complete', T0, { version: 8, text: 'migrated row' })]);
    expect((await p.instances.search({ text: 'migrated' })).items).toHaveLength(1);
    await p.close();
  });

  it('keeps the full-text table in step with updates and deletes of rows', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.instances.upsert([summary('a', 'runnable', T0, { text: 'first words' }), summary('b', 'runnable', T0, { text: 'other' })]);
    await p.instances.upsert([summary('a', 'runnable', T0, { text: 'second words', version: 4 })]);
    const found = async (text: string) => (await p.instances.search({ text })).items.map((x) => x.instanceId);
    expect(await found('first')).toEqual([]);
    expect(await found('second')).toEqual(['a']);
    expect(await found('words')).toEqual(['a']);
    await p.instances.remove(['a']);
    expect(await found('words')).toEqual([]);
    expect(await found('other')).toEqual(['b']);
    const raw = new Database(file);
    // Throws SQLITE_CORRUPT_VTAB when the index and the rows disagree.
    expect(() => raw.prepare("INSERT INTO instances_fts (instances_fts) VALUES ('integrity-check')").run()).not.toThrow();
    raw.close();
    await p.close();
  });
});

describe('sqlite appendBatch (group commit)', () => {
  it('stores 100 requests of 3 events in one transaction, quickly', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.log.appendBatch([req('warm-up', 0, 1)]);
    const reqs = Array.from({ length: 100 }, (_, i) => req(`s${i}`, 0, 3));
    const started = performance.now();
    const outs = await p.log.appendBatch(reqs);
    const ms = performance.now() - started;
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(await p.log.readAll(undefined, 1000)).toHaveLength(301);
    // One fsync'ed commit of 300 rows: a few ms on a laptop; a commit per request would be ~100x.
    expect(ms).toBeLessThan(1000);
    await p.close();
  });

  it('rolls the whole batch back when the store fails part-way', async () => {
    const p = createSqlitePersistence({ path: file });
    const raw = new Database(file);
    raw.exec(`CREATE TRIGGER fail_boom BEFORE INSERT ON events WHEN NEW.stream_id = 'boom'
              BEGIN SELECT RAISE(ABORT, 'the disk says no'); END`);
    raw.close();
    const reqs = [...Array.from({ length: 99 }, (_, i) => req(`s${i}`, 0, 3)), req('boom', 0, 3)];
    const err = await rejection(p.log.appendBatch(reqs));
    expect(String(err)).toContain('the disk says no');
    expect(await p.log.readAll(undefined, 1000)).toEqual([]);
    expect((await p.log.appendBatch([req('s0', 0, 1)]))[0]?.ok).toBe(true);
    await p.close();
  });
});

describe('sqlite append with a known head (a leaseholder)', () => {
  it('chains onto the given hash without reading the head; a version taken meanwhile is a conflict storing nothing', async () => {
    for (const lock of ['local', 'shared'] as const) {
      const p = createSqlitePersistence({ path: join(dir, `${lock}.db`), clock: () => T0, lock });
      const lease = (await p.lock.acquire('s', 'host-a', 60_000))!;
      const fence = { owner: lease.owner, token: lease.token };
      const [first] = await p.log.appendBatch([req('s', 0, 2)]);
      if (!first?.ok) throw new Error('first append failed');
      const [second] = await p.log.appendBatch([{ ...req('s', 2, 2), fence, expectedHash: first.lastHash }]);
      expect(second).toMatchObject({ ok: true, nextVersion: 4 });
      const events = await p.log.read('s');
      expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
      expect(verifyChain(events)).toBeUndefined();
      // A leaseholder whose view is stale (version 2 while the stream is at 4): refused, nothing stored.
      const [stale] = await p.log.appendBatch([{ ...req('s', 2, 3), fence, expectedHash: first.lastHash }]);
      expect(stale).toEqual({ ok: false, streamId: 's', reason: 'conflict', actualVersion: 4 });
      expect(await p.log.read('s')).toHaveLength(4);
      await p.close();
    }
  });
});

describe('sqlite refuses files it must not touch', () => {
  it('throws SCHEMA_TOO_NEW for a file from a newer wfe, leaving it untouched', async () => {
    await seedFile(1, 2);
    const raw = new Database(file);
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    const bytes = readFileSync(file);
    const err = thrown(() => createSqlitePersistence({ path: file }));
    expect(isWfeError(err, 'SCHEMA_TOO_NEW')).toBe(true);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain(`schema version ${SQLITE_SCHEMA_VERSION + 1}`);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('throws CORRUPT_STORE for a file of random bytes, leaving it untouched', () => {
    const bytes = randomBytes(16_384);
    writeFileSync(file, bytes);
    const err = thrown(() => createSqlitePersistence({ path: file }));
    expect(isWfeError(err, 'CORRUPT_STORE')).toBe(true);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/SQLite said "file is not a database"/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('throws CORRUPT_STORE for a real database cut in half, leaving it untouched', async () => {
    await seedFile(200, 10);
    const full = readFileSync(file).length;
    expect(full).toBeGreaterThan(100_000);
    truncateSync(file, Math.floor(full / 2));
    const bytes = readFileSync(file);
    const err = thrown(() => createSqlitePersistence({ path: file }));
    expect(isWfeError(err, 'CORRUPT_STORE')).toBe(true);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/SQLite said|quick_check said/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('sqlite reading a damaged log', () => {
  const damage = (sql: string) => {
    const raw = new Database(file);
    // Someone with the file in hand: the append-only triggers do not stop them (the chain does).
    raw.exec('DROP TRIGGER IF EXISTS events_no_update');
    raw.exec(sql);
    raw.close();
  };

  it('throws CORRUPT_LOG naming the stream and version when a body is not JSON', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.log.appendBatch([req('ok', 0, 2), req('bad', 0, 3)]);
    damage(`UPDATE events SET body = '{"type":"StepStarted",' WHERE stream_id = 'bad' AND version = 2`);
    const err = await rejection(p.log.read('bad'));
    expect(isWfeError(err, 'CORRUPT_LOG')).toBe(true);
    expect((err as Error).message).toMatch(/stream "bad" version 2/);
    expect((err as { details: object }).details).toMatchObject({ streamId: 'bad', version: 2 });
    expect(isWfeError(await rejection(p.log.readAll(undefined, 100)), 'CORRUPT_LOG')).toBe(true);
    expect(await p.log.read('bad', 1, 1)).toHaveLength(1);
    expect(await p.log.read('ok')).toHaveLength(2);
    await p.close();
  });

  it('throws CORRUPT_LOG for an unknown event type', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.log.appendBatch([req('s', 0, 3)]);
    damage(`UPDATE events SET type = 'Bogus', body = json_set(body, '$.type', 'Bogus') WHERE version = 3`);
    const err = await rejection(p.log.read('s'));
    expect(isWfeError(err, 'CORRUPT_LOG')).toBe(true);
    expect((err as Error).message).toMatch(/stream "s" version 3.*unknown event type "Bogus"/);
    await p.close();
  });

  it('keeps a hand-edited but well-formed row readable, and verifyChain catches it', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.log.appendBatch([req('s', 0, 3)]);
    damage(`UPDATE events SET body = json_set(body, '$.attempt', 7) WHERE version = 2`);
    expect(verifyChain(await p.log.read('s'))?.version).toBe(2);
    await p.close();
  });

  it('throws CORRUPT_STORE for a damaged snapshot row', async () => {
    const p = createSqlitePersistence({ path: file });
    await p.snapshots.save({ streamId: 's', version: 1, hash: 'h', schema: 1, state: {} });
    damage(`UPDATE snapshots SET state = 'nope'`);
    expect(isWfeError(await rejection(p.snapshots.load('s')), 'CORRUPT_STORE')).toBe(true);
    await p.close();
  });
});
