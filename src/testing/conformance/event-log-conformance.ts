import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import { chainHash, GENESIS_HASH, verifyChain } from '../../adapters/shared/hash-chain.js';
import { comparePositions, parsePosition, type LogPosition } from '../../log/position.js';
import type { AppendOutcome, EventLog, StoredEvent } from '../../ports/event-log.js';
import { type PortFactory, T0, usePort } from './harness.js';
import { request, started, stepStarted } from './fixtures.js';

function ok(o: AppendOutcome | undefined): Extract<AppendOutcome, { ok: true }> {
  if (!o || !o.ok) throw new Error(`expected ok, got ${JSON.stringify(o)}`);
  return o;
}

/** Positions must be strictly increasing in `comparePositions` order. */
function expectIncreasing(positions: readonly LogPosition[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1], positions[i]) >= 0) throw new Error(`position ${positions[i]} does not come after ${positions[i - 1]}`);
  }
}

/**
 * The EventLog contract. `recordedAt` must come from `ctx.clock`.
 * `nextVersion` in an ok outcome is the stream's version after the append (the next `expectedVersion`).
 */
export function eventLogConformance(name: string, factory: PortFactory<EventLog>): void {
  describe(`${name}: EventLog conformance`, () => {
    const h = usePort(factory);

    it('a stream that does not exist has version 0 and no events', async () => {
      expect(await h.port.streamVersion('nope')).toBe(0);
      expect(await h.port.read('nope')).toEqual([]);
      expect(await h.port.appendBatch([])).toEqual([]);
    });

    it('appends a new stream with gapless versions, the envelope and the events as given', async () => {
      h.clock.set(T0 + 42);
      const req = request('s1', 0, 3, T0, { actor: 'alice', causationId: 'c1', correlationId: 'k1' });
      const [out] = await h.port.appendBatch([req]);
      const good = ok(out);
      expect(good.streamId).toBe('s1');
      expect(good.nextVersion).toBe(3);
      const stored = await h.port.read('s1');
      expect(stored.map((e) => e.version)).toEqual([1, 2, 3]);
      expect(stored.map((e) => e.event)).toEqual(req.events);
      for (const e of stored) {
        expect(e.streamId).toBe('s1');
        expect(e.recordedAt).toBe(T0 + 42);
        expect(e.meta).toEqual({ actor: 'alice', causationId: 'c1', correlationId: 'k1' });
        expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(good.lastPosition).toBe(stored[2]!.position);
      expect(good.lastHash).toBe(stored[2]!.hash);
      expectIncreasing(stored.map((e) => e.position));
      for (const e of stored) expect(parsePosition(e.position)).toBe(e.position);
      expect(await h.port.streamVersion('s1')).toBe(3);
    });

    it('stores no meta as an empty object', async () => {
      await h.port.appendBatch([request('s1', 0, 1, T0)]);
      expect((await h.port.read('s1'))[0]!.meta).toEqual({});
    });

    it('rejects a stale or a future expectedVersion with the actual version, storing nothing', async () => {
      ok((await h.port.appendBatch([request('s1', 0, 2, T0)]))[0]);
      for (const expectedVersion of [0, 1, 3, 7]) {
        const [out] = await h.port.appendBatch([request('s1', expectedVersion, 2, T0)]);
        expect(out).toEqual({ ok: false, streamId: 's1', reason: 'conflict', actualVersion: 2 });
      }
      const [missing] = await h.port.appendBatch([request('new', 1, 1, T0)]);
      expect(missing).toEqual({ ok: false, streamId: 'new', reason: 'conflict', actualVersion: 0 });
      expect(await h.port.streamVersion('s1')).toBe(2);
      expect(await h.port.read('new')).toEqual([]);
    });

    it('decides each request of a batch on its own: a conflict leaves the others stored', async () => {
      ok((await h.port.appendBatch([request('b', 0, 1, T0)]))[0]);
      const outs = await h.port.appendBatch([request('a', 0, 2, T0), request('b', 0, 3, T0), request('c', 0, 1, T0)]);
      expect(outs.map((o) => o.streamId)).toEqual(['a', 'b', 'c']);
      expect(outs.map((o) => o.ok)).toEqual([true, false, true]);
      expect(outs[1]).toEqual({ ok: false, streamId: 'b', reason: 'conflict', actualVersion: 1 });
      expect(await h.port.streamVersion('a')).toBe(2);
      expect(await h.port.streamVersion('b')).toBe(1);
      expect(await h.port.streamVersion('c')).toBe(1);
    });

    it('checks requests on one stream in one batch in order', async () => {
      const outs = await h.port.appendBatch([request('s', 0, 2, T0), request('s', 2, 1, T0), request('s', 2, 1, T0)]);
      expect(ok(outs[0]).nextVersion).toBe(2);
      expect(ok(outs[1]).nextVersion).toBe(3);
      expect(outs[2]).toEqual({ ok: false, streamId: 's', reason: 'conflict', actualVersion: 3 });
      const stored = await h.port.read('s');
      expect(stored.map((e) => e.version)).toEqual([1, 2, 3]);
      expect(verifyChain(stored)).toBeUndefined();
    });

    it('appends 100 requests of 3 events in one batch', async () => {
      const reqs = Array.from({ length: 100 }, (_, i) => request(`bulk-${i}`, 0, 3, T0));
      const outs = await h.port.appendBatch(reqs);
      expect(outs.every((o) => o.ok && o.nextVersion === 3)).toBe(true);
      const all = await h.port.readAll(undefined, 1000);
      expect(all).toHaveLength(300);
      for (let i = 0; i < 100; i += 33) expect(verifyChain(await h.port.read(`bulk-${i}`))).toBeUndefined();
    });

    it('gives increasing global positions across streams and batches, read back in order by readAll', async () => {
      const written: StoredEvent[] = [];
      for (let round = 0; round < 4; round++) {
        const reqs = ['x', 'y', 'z'].map((s) => request(s, round * 2, 2, T0 + round));
        const outs = await h.port.appendBatch(reqs);
        expect(outs.every((o) => o.ok)).toBe(true);
      }
      for (const s of ['x', 'y', 'z']) written.push(...(await h.port.read(s)));
      const all = await h.port.readAll(undefined, 1000);
      expect(all).toHaveLength(24);
      expectIncreasing(all.map((e) => e.position));
      expect([...all].sort((a, b) => comparePositions(a.position, b.position))).toEqual(all);
      expect(new Set(all.map((e) => `${e.streamId}@${e.version}`)).size).toBe(24);
      // Per stream, readAll keeps the stream's own order.
      const xs = all.filter((e) => e.streamId === 'x').map((e) => e.version);
      expect(xs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(written.map((e) => e.position).sort(comparePositions)).toEqual(all.map((e) => e.position));
    });

    it('pages readAll by position without gaps or duplicates', async () => {
      for (let i = 0; i < 7; i++) await h.port.appendBatch([request(`p${i}`, 0, 3, T0)]);
      const full = await h.port.readAll(undefined, 100);
      const paged: StoredEvent[] = [];
      let after: LogPosition | undefined;
      for (let pages = 0; pages <= full.length; pages++) {
        const page = await h.port.readAll(after, 4);
        expect(page.length).toBeLessThanOrEqual(4);
        if (page.length === 0) break;
        paged.push(...page);
        after = page[page.length - 1]!.position;
      }
      expect(paged).toEqual(full);
      expect(await h.port.readAll(full[full.length - 1]!.position, 10)).toEqual([]);
      expect(await h.port.readAll(full[2]!.position, 2)).toEqual(full.slice(3, 5));
    });

    it('reads version ranges inclusively', async () => {
      await h.port.appendBatch([request('r', 0, 5, T0)]);
      const v = async (from?: number, to?: number) => (await h.port.read('r', from, to)).map((e) => e.version);
      expect(await v()).toEqual([1, 2, 3, 4, 5]);
      expect(await v(3)).toEqual([3, 4, 5]);
      expect(await v(2, 4)).toEqual([2, 3, 4]);
      expect(await v(4, 4)).toEqual([4]);
      expect(await v(1, 1)).toEqual([1]);
      expect(await v(6)).toEqual([]);
      expect(await v(4, 2)).toEqual([]);
    });

    it('chains hashes from the genesis hash across appends, verifiable with verifyChain', async () => {
      h.clock.set(T0 + 1);
      await h.port.appendBatch([request('h', 0, 2, T0, { actor: 'a' })]);
      h.clock.set(T0 + 2);
      await h.port.appendBatch([request('h', 2, 3, T0)]);
      const stored = await h.port.read('h');
      expect(verifyChain(stored)).toBeUndefined();
      expect(stored[0]!.hash).toBe(chainHash(GENESIS_HASH, stored[0]!));
      for (let i = 1; i < stored.length; i++) expect(stored[i]!.hash).toBe(chainHash(stored[i - 1]!.hash, stored[i]!));
      // A tail verifies from the hash before it.
      expect(verifyChain(stored.slice(2), stored[1]!.hash, 2)).toBeUndefined();
      expect(verifyChain(await h.port.read('h', 3), stored[1]!.hash, 2)).toBeUndefined();
    });

    it('fails verification of a tampered event, a tampered hash or a missing event', async () => {
      await h.port.appendBatch([request('t', 0, 4, T0)]);
      const stored = await h.port.read('t');
      const tampered = stored.map((e, i) =>
        i === 2 ? { ...e, event: { ...(e.event as Extract<WorkflowEvent, { type: 'StepStarted' }>), attempt: 9 } } : e,
      );
      expect(verifyChain(tampered)?.version).toBe(3);
      expect(verifyChain(stored.map((e, i) => (i === 1 ? { ...e, recordedAt: e.recordedAt + 1 } : e)))?.version).toBe(2);
      expect(verifyChain(stored.map((e, i) => (i === 3 ? { ...e, hash: e.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) } : e)))?.version).toBe(4);
      expect(verifyChain([stored[0]!, stored[2]!, stored[3]!])?.version).toBe(3);
    });

    it('deletes whole streams, returning how many events went', async () => {
      await h.port.appendBatch([request('d1', 0, 3, T0), request('d2', 0, 2, T0), request('keep', 0, 4, T0)]);
      expect(await h.port.deleteStreams(['d1', 'd2', 'unknown'])).toBe(5);
      expect(await h.port.streamVersion('d1')).toBe(0);
      expect(await h.port.read('d2')).toEqual([]);
      expect((await h.port.readAll(undefined, 100)).map((e) => e.streamId)).toEqual(['keep', 'keep', 'keep', 'keep']);
      expect(await h.port.deleteStreams(['d1'])).toBe(0);
      expect(await h.port.deleteStreams([])).toBe(0);
    });

    it('starts a deleted stream again from version 0 and the genesis hash, at new positions', async () => {
      await h.port.appendBatch([request('a', 0, 1, T0), request('z', 0, 3, T0)]);
      const before = await h.port.readAll(undefined, 100);
      const maxBefore = before[before.length - 1]!.position;
      await h.port.deleteStreams(['z']);
      const [out] = await h.port.appendBatch([request('z', 0, 2, T0)]);
      expect(ok(out).nextVersion).toBe(2);
      const again = await h.port.read('z');
      expect(again.map((e) => e.version)).toEqual([1, 2]);
      expect(verifyChain(again)).toBeUndefined();
      // Positions are never reused, even those of a deleted tail: a reader's checkpoint stays valid.
      for (const e of again) expect(comparePositions(e.position, maxBefore)).toBeGreaterThan(0);
    });

    it('stores events by value: later changes to the input or to a read result do not leak in', async () => {
      const ev = started('v', T0, { list: [1, 2], nested: { k: 'x' } });
      await h.port.appendBatch([{ streamId: 'v', expectedVersion: 0, events: [ev] }]);
      ((ev as unknown as { data: { list: number[] } }).data.list).push(3);
      const first = await h.port.read('v');
      ((first[0]!.event as unknown as { data: { list: number[] } }).data.list).push(4);
      const second = await h.port.read('v');
      expect(second[0]!.event).toEqual(started('v', T0, { list: [1, 2], nested: { k: 'x' } }));
      expect(verifyChain(second)).toBeUndefined();
    });

    it('refuses an event that is not plain JSON, storing nothing of the batch', async () => {
      const bad = { ...started('bad', T0), data: { when: new Date(T0) } } as unknown as WorkflowEvent;
      const reqs = [request('fine', 0, 1, T0), { streamId: 'bad', expectedVersion: 0, events: [bad] }];
      const err = await h.port.appendBatch(reqs).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isWfeError(err, 'NOT_SERIALISABLE')).toBe(true);
      expect(await h.port.streamVersion('fine')).toBe(0);
      expect(await h.port.streamVersion('bad')).toBe(0);
    });

    it('reports the head position: undefined when empty, then the last event, also after a purge of others', async () => {
      expect(await h.port.headPosition()).toBeUndefined();
      expect(await h.port.readAll(undefined, 10)).toEqual([]);
      const [a] = await h.port.appendBatch([request('a', 0, 2, T0)]);
      expect(await h.port.headPosition()).toBe(ok(a).lastPosition);
      const [b] = await h.port.appendBatch([request('b', 0, 1, T0)]);
      expect(await h.port.headPosition()).toBe(ok(b).lastPosition);
      expect(comparePositions(ok(a).lastPosition, ok(b).lastPosition)).toBeLessThan(0);
      await h.port.deleteStreams(['a']);
      expect(await h.port.headPosition()).toBe(ok(b).lastPosition);
      expect(await h.port.readAll(await h.port.headPosition(), 10)).toEqual([]);
    });

    it('gives each outcome the last hash of its stream, an empty append included', async () => {
      const [first] = await h.port.appendBatch([request('lh', 0, 2, T0)]);
      const stored = await h.port.read('lh');
      expect(ok(first).lastHash).toBe(stored[1]!.hash);
      const [empty] = await h.port.appendBatch([{ streamId: 'lh', expectedVersion: 2, events: [] }]);
      expect(ok(empty)).toMatchObject({ nextVersion: 2, lastHash: stored[1]!.hash, lastPosition: stored[1]!.position });
      const [second] = await h.port.appendBatch([request('lh', 2, 1, T0)]);
      expect(ok(second).lastHash).toBe((await h.port.read('lh'))[2]!.hash);
      expect(typeof ok(second).inlineWritten).toBe('boolean');
    });

    it('refuses a position that is not one of its own', async () => {
      await h.port.appendBatch([request('x', 0, 1, T0)]);
      const err = await h.port.readAll('not-a-position' as LogPosition, 10).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
    });

    it('keeps every event type and optional member intact', async () => {
      const events: WorkflowEvent[] = [
        { type: 'WorkflowStarted', v: 1, at: T0, instanceId: 'o', definitionId: 'd', definitionVersion: 2, data: [], reference: 'ref-1' },
        stepStarted(1, T0 + 1),
        { type: 'StepCompleted', v: 1, at: T0 + 2, pointerId: 1, outcome: null, patches: [{ op: 'replace', path: ['a', 0], value: 'é€😀' }] },
        { type: 'StepFailed', v: 1, at: T0 + 3, pointerId: 2, attempt: 1, error: { type: 'Boom', message: 'x\n"y"', details: { n: -0.5 } } },
        { type: 'WorkflowCompleted', v: 1, at: T0 + 4 },
      ];
      await h.port.appendBatch([{ streamId: 'o', expectedVersion: 0, events }]);
      const stored = await h.port.read('o');
      expect(stored.map((e) => e.event)).toEqual(events);
      expect(verifyChain(stored)).toBeUndefined();
    });
  });
}
