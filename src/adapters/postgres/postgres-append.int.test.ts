import pg, { type PoolClient } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { AppendRequest, StoredEvent } from '../../ports/event-log.js';
import type { LogPosition } from '../../log/position.js';
import { summary } from '../../testing/conformance/fixtures.js';
import { verifyChain } from '../shared/hash-chain.js';
import { createTestDatabase, describeWith, uniqueSuffix } from '../../../test/setup/integration.js';
import { createPostgresPersistence, type PostgresPersistence } from './index.js';

const T = 1_704_067_200_000;
const step = (n: number): WorkflowEvent => ({ type: 'StepStarted', v: 1, at: T + n, pointerId: n, attempt: 1 });
const req = (streamId: string, expectedVersion: number, count: number): AppendRequest => ({
  streamId,
  expectedVersion,
  events: Array.from({ length: count }, (_, i) => step(expectedVersion + i)),
});

/**
 * Makes the next COMMIT on any client of `pool` fail like a lost connection, before or after it
 * reaches the server, or hang (a stalled host) until `unblock()`.
 */
function commitSaboteur(pool: pg.Pool): { arm(when: 'before' | 'after' | 'hang'): void; hanging: Promise<void>; unblock(): void } {
  let armed: 'before' | 'after' | 'hang' | undefined;
  let reached!: () => void;
  const hanging = new Promise<void>((r) => (reached = r));
  let unblock!: () => void;
  const gate = new Promise<void>((r) => (unblock = r));
  const patched = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => {
    if (patched.has(client)) return;
    patched.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      if (typeof args[0] === 'string' && /(^|;\s*)COMMIT$/.test(args[0]) && armed) {
        const when = armed;
        armed = undefined;
        if (when === 'hang') {
          reached();
          await gate;
          return original(...args);
        }
        if (when === 'after') await original(...args);
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
      }
      return original(...args);
    };
  });
  return {
    arm(when) {
      armed = when;
    },
    hanging,
    unblock,
  };
}

describeWith('postgres', 'PostgreSQL appends under concurrency and failures', (adminUrl) => {
  let url: string;
  let admin: pg.Pool;
  beforeAll(async () => {
    url = await createTestDatabase(adminUrl, 'append');
    admin = new pg.Pool({ connectionString: url, max: 4 });
  });
  afterAll(async () => {
    await admin.end();
  });
  const open = (schema: string, extra: Partial<Parameters<typeof createPostgresPersistence>[0]> = {}): Promise<PostgresPersistence> =>
    createPostgresPersistence({ connectionString: url, schema, clock: () => T, poolConfig: { max: 4 }, ...extra });

  it('lets exactly one of many hosts racing on one stream version win', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const hosts = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      const outs = (await Promise.all(Array.from({ length: 12 }, (_, i) => hosts[i % 3]!.log.appendBatch([req('s', 0, 2)])))).flat();
      expect(outs.filter((o) => o.ok)).toHaveLength(1);
      expect(outs.filter((o) => !o.ok).every((o) => !o.ok && o.reason === 'conflict' && o.actualVersion === 2)).toBe(true);
      const stored = await hosts[0]!.log.read('s');
      expect(stored.map((e) => e.version)).toEqual([1, 2]);
      expect(verifyChain(stored)).toBeUndefined();
    } finally {
      await Promise.all(hosts.map((h) => h.close()));
    }
  });

  it('keeps streams gapless and chained, and readAll never skips an event, with concurrent writers', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const writers = await Promise.all([open(schema), open(schema), open(schema), open(schema)]);
    const reader = await open(schema);
    try {
      let writing = true;
      const seen: StoredEvent[] = [];
      const tail = (async () => {
        let after: LogPosition | undefined;
        for (;;) {
          const stillWriting = writing;
          const page = await reader.log.readAll(after, 50);
          seen.push(...page);
          if (page.length > 0) after = page[page.length - 1]!.position;
          else if (!stillWriting) return;
        }
      })();
      let appended = 0;
      await Promise.all(
        writers.map(async (w, wi) => {
          for (let round = 0; round < 25; round++) {
            // Contended stream: read the version, append, retry on conflict.
            for (;;) {
              const v = await w.log.streamVersion('shared');
              const [o] = await w.log.appendBatch([req('shared', v, 1), req(`own-${wi}-${round}`, 0, 2)]);
              if (o?.ok) break;
            }
            appended += 3;
          }
        }),
      );
      writing = false;
      await tail;
      const all = await reader.log.readAll(undefined, 100_000);
      expect(all).toHaveLength(appended);
      expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
      const shared = await reader.log.read('shared');
      expect(shared.map((e) => e.version)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(verifyChain(shared)).toBeUndefined();
    } finally {
      await Promise.all([...writers, reader].map((h) => h.close()));
    }
  });

  it('survives pg_terminate_backend in the middle of a batch: retried once, stored once', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const p = await open(schema);
    const blocker = await admin.connect();
    try {
      // Hold a lock that lets the append start (lock, read heads) but blocks its INSERT.
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".events IN SHARE MODE`);
      const reqs = Array.from({ length: 20 }, (_, i) => req(`k${i}`, 0, 3));
      const pending = p.log.appendBatch(reqs);
      const victim = await waitForBlockedInsert(admin);
      await admin.query('SELECT pg_terminate_backend($1)', [victim]);
      // The retry, on a new connection, blocks on the same lock; then let it through.
      const second = await waitForBlockedInsert(admin, victim);
      expect(second).not.toBe(victim);
      await blocker.query('COMMIT');
      const outs = await pending;
      expect(outs.every((o) => o.ok && o.nextVersion === 3)).toBe(true);
      const all = await p.log.readAll(undefined, 1000);
      expect(all).toHaveLength(60);
      for (let i = 0; i < 20; i++) expect(verifyChain(await p.log.read(`k${i}`))).toBeUndefined();
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
      await p.close();
    }
  });

  it('fails cleanly, storing nothing, when the backend is killed and no retry is left', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const p = await open(schema, { appendRetry: { attempts: 1 } });
    const blocker = await admin.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".events IN SHARE MODE`);
      const pending = p.log.appendBatch([req('a', 0, 2), req('b', 0, 2)]).catch((e: unknown) => e);
      await admin.query('SELECT pg_terminate_backend($1)', [await waitForBlockedInsert(admin)]);
      const err = await pending;
      await blocker.query('COMMIT');
      expect(isWfeError(err, 'STORE_UNAVAILABLE')).toBe(true);
      expect((err as Error).message).not.toContain(new URL(url).password);
      expect(await p.log.readAll(undefined, 100)).toEqual([]);
      // The pool recovers: the next append works.
      expect((await p.log.appendBatch([req('a', 0, 2)]))[0]?.ok).toBe(true);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
      await p.close();
    }
  });

  it('recognises its own batch after a COMMIT whose reply was lost: ok, not a conflict, not a duplicate', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const saboteur = commitSaboteur(pool);
    const p = await createPostgresPersistence({ pool, schema, clock: () => T });
    try {
      await p.log.appendBatch([req('pre', 0, 1)]);
      saboteur.arm('after');
      const outs = await p.log.appendBatch([
        { ...req('x', 0, 2), inline: { instance: summary('x', 'runnable', T, { version: 2 }) } },
        req('pre', 1, 1),
        { ...req('pre', 0, 1), inline: { instance: summary('pre', 'failed', T, { version: 1 }) } },
      ]);
      expect(outs[0]).toMatchObject({ ok: true, nextVersion: 2, inlineWritten: true });
      expect((await p.instances.get('x'))?.version).toBe(2);
      expect(await p.instances.get('pre')).toBeUndefined();
      expect(outs[1]).toMatchObject({ ok: true, nextVersion: 2 });
      expect(outs[2]).toEqual({ ok: false, streamId: 'pre', reason: 'conflict', actualVersion: 2 });
      const x = await p.log.read('x');
      expect(x.map((e) => e.version)).toEqual([1, 2]);
      expect((outs[0] as { lastPosition: string }).lastPosition).toBe(x[1]!.position);
      expect(await p.log.readAll(undefined, 100)).toHaveLength(4);
      expect(verifyChain(await p.log.read('pre'))).toBeUndefined();
    } finally {
      await p.close();
      await pool.end();
    }
  });

  it('appends new streams with their inline writes in one round trip, an unknown head in two, and a known head that is stale or a fence that is gone falls back to the exact path', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const p = await createPostgresPersistence({ pool, schema, clock: () => T });
    let counting = false;
    let queries = 0;
    const wrapped = new WeakSet<PoolClient>();
    pool.on('acquire', (client) => {
      if (wrapped.has(client)) return;
      wrapped.add(client);
      const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
        if (counting) queries++;
        return original(...args);
      };
    });
    try {
      await p.projections.commit([{ projection: 'steps', key: 'b', document: 'old' }]);
      counting = true;
      const outs = await p.log.appendBatch(
        ['a', 'b', 'c'].map((id, i) => ({
          ...req(id, 0, 2),
          inline: {
            instance: summary(id, 'runnable', T, { version: 2, text: `order ${id}` }),
            snapshot: { streamId: id, version: 2, hash: 'h', schema: 1, state: { id } },
            documents: [{ projection: 'steps', key: id, document: i === 1 ? null : { id } }],
          },
        })),
      );
      counting = false;
      // New streams: the heads are known (genesis) without reading them.
      expect(queries).toBe(1);
      expect(outs.every((o) => o.ok && o.inlineWritten)).toBe(true);
      expect((await p.instances.search({ text: 'order' })).items).toHaveLength(3);
      expect((await p.snapshots.list(undefined, 10)).map((x) => x.streamId)).toEqual(['a', 'b', 'c']);
      expect((await p.projections.list('steps', undefined, 10)).map((d) => d.key)).toEqual(['a', 'c']);
      const head = (o: unknown) => (o as { lastHash: string }).lastHash;

      // An existing stream whose head the caller does not give: begin and reads, then the writes.
      queries = 0;
      counting = true;
      const [plain] = await p.log.appendBatch([req('a', 2, 1)]);
      counting = false;
      expect(plain).toMatchObject({ ok: true, nextVersion: 3 });
      expect(queries).toBe(2);

      // A leaseholder that knows its head: one round trip, the fence checked in SQL.
      const lease = (await p.lock.acquire('b', 'host-a', 60_000))!;
      const fence = { owner: lease.owner, token: lease.token };
      queries = 0;
      counting = true;
      const [held] = await p.log.appendBatch([{ ...req('b', 2, 1), fence, expectedHash: head(outs[1]) }]);
      counting = false;
      expect(held).toMatchObject({ ok: true, nextVersion: 3 });
      expect(queries).toBe(1);
      expect(verifyChain(await p.log.read('b'))).toBeUndefined();

      // Its view gone stale (the stream moved on): rolled back, then the exact path says conflict.
      const [stale] = await p.log.appendBatch([{ ...req('b', 2, 1), fence, expectedHash: head(outs[1]) }]);
      expect(stale).toEqual({ ok: false, streamId: 'b', reason: 'conflict', actualVersion: 3 });
      // Its lease taken over: fenced, nothing stored.
      await p.lock.release(lease);
      await p.lock.acquire('b', 'host-b', 60_000);
      const [gone] = await p.log.appendBatch([{ ...req('b', 3, 1), fence, expectedHash: head(held) }]);
      expect(gone).toMatchObject({ ok: false, streamId: 'b', reason: 'fenced' });
      expect((await p.log.read('b')).map((e) => e.version)).toEqual([1, 2, 3]);
      // A start of a stream that exists (an idempotent start): a conflict, the others of the batch stored.
      const both = await p.log.appendBatch([req('c', 0, 1), req('d', 0, 1)]);
      expect(both).toEqual([{ ok: false, streamId: 'c', reason: 'conflict', actualVersion: 2 }, expect.objectContaining({ ok: true, streamId: 'd', nextVersion: 1 })]);
    } finally {
      await p.close();
      await pool.end();
    }
  });

  it('cuts off a stalled appender holding the append lock, so other hosts go on; the stalled batch is retried once', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const saboteur = commitSaboteur(pool);
    const stalled = await createPostgresPersistence({ pool, schema, clock: () => T, appendRetry: { stallTimeoutMs: 300 } });
    const other = await open(schema);
    try {
      saboteur.arm('hang');
      const stuck = stalled.log.appendBatch([req('stuck', 0, 2)]);
      await saboteur.hanging;
      const started = Date.now();
      const [o] = await other.log.appendBatch([req('other', 0, 1)]);
      expect(o?.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
      saboteur.unblock();
      expect((await stuck)[0]).toMatchObject({ ok: true, nextVersion: 2 });
      expect((await other.log.read('stuck')).map((e) => e.version)).toEqual([1, 2]);
      expect(await other.log.readAll(undefined, 100)).toHaveLength(3);
    } finally {
      await Promise.all([stalled.close(), other.close()]);
      await pool.end();
    }
  });

  it('retries a batch whose COMMIT never reached the server, storing it once', async () => {
    const schema = `a_${uniqueSuffix()}`;
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const saboteur = commitSaboteur(pool);
    const p = await createPostgresPersistence({ pool, schema, clock: () => T });
    try {
      saboteur.arm('before');
      const outs = await p.log.appendBatch([req('y', 0, 3)]);
      expect(outs[0]).toMatchObject({ ok: true, nextVersion: 3 });
      expect((await p.log.read('y')).map((e) => e.version)).toEqual([1, 2, 3]);
      expect(await p.log.readAll(undefined, 100)).toHaveLength(3);
    } finally {
      await p.close();
      await pool.end();
    }
  });
});

/** The pid of a backend waiting on a lock in an INSERT into events (other than `not`). */
async function waitForBlockedInsert(admin: pg.Pool, not?: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await admin.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
         AND query LIKE '%INSERT INTO%events%' AND pid <> $1`,
      [not ?? 0],
    );
    if (rows[0]) return rows[0].pid as number;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no append blocked on the lock');
}
