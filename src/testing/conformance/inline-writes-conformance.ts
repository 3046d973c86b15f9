import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { AppendOutcome } from '../../ports/event-log.js';
import type { Persistence } from '../../ports/persistence.js';
import { type PortFactory, T0, usePort } from './harness.js';
import { request, snapshot, summary } from './fixtures.js';

const okOf = (o: AppendOutcome | undefined) => {
  if (!o?.ok) throw new Error(`expected ok, got ${JSON.stringify(o)}`);
  return o;
};

/**
 * Inline writes: a persistence whose log shares a transaction with its index, snapshot and
 * projection stores writes a request's `inline` projections with the request's events, says so
 * with `inlineWritten: true`, and writes nothing of a request that fails (conflict or fence).
 */
export function inlineWritesConformance(name: string, factory: PortFactory<Persistence>, options: { readonly fencing?: boolean } = {}): void {
  describe(`${name}: inline writes conformance`, () => {
    const h = usePort(factory);

    it('writes the index row, snapshot and documents with the events, readable at once', async () => {
      const row = summary('i1', 'runnable', T0, { version: 2, text: 'order alpha', fields: { total: 12 } });
      const [out] = await h.port.log.appendBatch([
        {
          ...request('i1', 0, 2, T0),
          inline: { instance: row, snapshot: snapshot('i1', 2), documents: [{ projection: 'steps', key: 'i1', document: { n: 2 } }] },
        },
      ]);
      expect(okOf(out).inlineWritten).toBe(true);
      expect(await h.port.instances.get('i1')).toEqual(row);
      expect(await h.port.snapshots.load('i1')).toEqual(snapshot('i1', 2));
      expect(await h.port.projections.get('steps', 'i1')).toEqual({ n: 2 });
      expect((await h.port.instances.search({ text: 'alpha' })).items.map((s) => s.instanceId)).toEqual(['i1']);
    });

    it('writes nothing of a request that conflicts, and everything of the others in the batch', async () => {
      await h.port.log.appendBatch([request('c', 0, 1, T0)]);
      const outs = await h.port.log.appendBatch([
        {
          ...request('c', 0, 1, T0),
          inline: { instance: summary('c', 'complete', T0), snapshot: snapshot('c', 1), documents: [{ projection: 'p', key: 'c', document: 1 }] },
        },
        { ...request('d', 0, 1, T0), inline: { instance: summary('d', 'runnable', T0, { version: 1 }), documents: [{ projection: 'p', key: 'd', document: 2 }] } },
      ]);
      expect(outs.map((o) => o.ok)).toEqual([false, true]);
      expect(await h.port.instances.get('c')).toBeUndefined();
      expect(await h.port.snapshots.load('c')).toBeUndefined();
      expect(await h.port.projections.get('p', 'c')).toBeUndefined();
      expect((await h.port.instances.get('d'))?.status).toBe('runnable');
      expect(await h.port.projections.get('p', 'd')).toBe(2);
    });

    it('keeps the newest index row and snapshot when requests on one stream share a batch, and deletes documents', async () => {
      await h.port.projections.commit([{ projection: 'p', key: 's', document: 'old' }]);
      const outs = await h.port.log.appendBatch([
        { ...request('s', 0, 1, T0), inline: { instance: summary('s', 'runnable', T0, { version: 1 }), snapshot: snapshot('s', 1) } },
        {
          ...request('s', 1, 2, T0),
          inline: { instance: summary('s', 'complete', T0, { version: 3, completedAt: T0 + 5 }), snapshot: snapshot('s', 3), documents: [{ projection: 'p', key: 's', document: null }] },
        },
      ]);
      expect(outs.every((o) => o.ok && o.inlineWritten)).toBe(true);
      expect((await h.port.instances.get('s'))?.version).toBe(3);
      expect((await h.port.snapshots.load('s'))?.version).toBe(3);
      expect(await h.port.projections.get('p', 's')).toBeUndefined();
      // An older row or snapshot arriving later never goes back.
      await h.port.log.appendBatch([{ ...request('s', 3, 1, T0), inline: { instance: summary('s', 'runnable', T0, { version: 2 }), snapshot: snapshot('s', 2) } }]);
      expect((await h.port.instances.get('s'))?.version).toBe(3);
      expect((await h.port.snapshots.load('s'))?.version).toBe(3);
    });

    it('refuses inline writes that are not JSON before storing anything of the batch', async () => {
      const err = await h.port.log
        .appendBatch([
          { ...request('ok', 0, 1, T0), inline: { instance: summary('ok', 'runnable', T0, { version: 1 }) } },
          { ...request('bad', 0, 1, T0), inline: { documents: [{ projection: 'p', key: 'bad', document: { at: new Date(T0) } as never }] } },
        ])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isWfeError(err, 'NOT_SERIALISABLE')).toBe(true);
      expect(await h.port.log.streamVersion('ok')).toBe(0);
      expect(await h.port.instances.get('ok')).toBeUndefined();
    });

    it.runIf(options.fencing === true)('writes nothing of a fenced request', async () => {
      const lease = (await h.port.lock.acquire('f', 'w1', 1000))!;
      h.clock.advance(1000);
      await h.port.lock.acquire('f', 'w2', 1000);
      const [out] = await h.port.log.appendBatch([
        { ...request('f', 0, 1, T0), fence: { owner: 'w1', token: lease.token }, inline: { instance: summary('f', 'runnable', T0, { version: 1 }) } },
      ]);
      expect(out).toMatchObject({ ok: false, reason: 'fenced' });
      expect(await h.port.instances.get('f')).toBeUndefined();
    });
  });
}
