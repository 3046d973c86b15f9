import { describe, expect, it } from 'vitest';
import { positionOf } from '../../log/position.js';
import type { Checkpoint, ProjectionStore } from '../../ports/projection-store.js';
import { type PortFactory, T0, usePort } from './harness.js';

const cp = (projection: string, n: number | undefined, version = 1): Checkpoint => ({
  projection,
  projectionVersion: version,
  ...(n !== undefined ? { position: positionOf(n) } : {}),
  updatedAt: T0 + (n ?? 0),
});

/**
 * The ProjectionStore contract: documents by projection and key, checkpoints per projection,
 * `commit` writes documents and the checkpoint together, `swap` switches a rebuilt projection in.
 */
export function projectionStoreConformance(name: string, factory: PortFactory<ProjectionStore>): void {
  describe(`${name}: ProjectionStore conformance`, () => {
    const h = usePort(factory);

    it('has no documents and no checkpoint at first', async () => {
      expect(await h.port.get('p', 'k')).toBeUndefined();
      expect(await h.port.loadCheckpoint('p')).toBeUndefined();
      expect(await h.port.list('p', undefined, 10)).toEqual([]);
      expect((await h.port.getMany('p', ['a', 'b'])).size).toBe(0);
    });

    it('commits documents with the checkpoint, puts replace and null deletes', async () => {
      await h.port.commit(
        [
          { projection: 'p', key: 'a', document: { n: 1, list: [1, 'x', null] } },
          { projection: 'p', key: 'b', document: 'text' },
          { projection: 'q', key: 'a', document: 0 },
        ],
        cp('p', 5),
      );
      expect(await h.port.get('p', 'a')).toEqual({ n: 1, list: [1, 'x', null] });
      expect(await h.port.get('p', 'b')).toBe('text');
      expect(await h.port.get('q', 'a')).toBe(0);
      expect(await h.port.loadCheckpoint('p')).toEqual(cp('p', 5));
      expect(await h.port.loadCheckpoint('q')).toBeUndefined();
      await h.port.commit([{ projection: 'p', key: 'a', document: { n: 2 } }, { projection: 'p', key: 'b', document: null }, { projection: 'p', key: 'zz', document: null }], cp('p', 9, 2));
      expect(await h.port.get('p', 'a')).toEqual({ n: 2 });
      expect(await h.port.get('p', 'b')).toBeUndefined();
      expect(await h.port.loadCheckpoint('p')).toEqual(cp('p', 9, 2));
      await h.port.commit([{ projection: 'p', key: 'c', document: true }]);
      expect(await h.port.loadCheckpoint('p')).toEqual(cp('p', 9, 2));
    });

    it('applies writes to one key in order (the last wins)', async () => {
      await h.port.commit([
        { projection: 'p', key: 'k', document: 1 },
        { projection: 'p', key: 'k', document: null },
        { projection: 'p', key: 'k', document: 3 },
        { projection: 'p', key: 'gone', document: 1 },
        { projection: 'p', key: 'gone', document: null },
      ]);
      expect(await h.port.get('p', 'k')).toBe(3);
      expect(await h.port.get('p', 'gone')).toBeUndefined();
    });

    it('commits nothing when the commit fails (a document that is not JSON)', async () => {
      await h.port.commit([{ projection: 'p', key: 'a', document: 1 }], cp('p', 1));
      const bad = { projection: 'p', key: 'b', document: 1n as never };
      const err = await h.port.commit([{ projection: 'p', key: 'a', document: 2 }, bad], cp('p', 2)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(await h.port.get('p', 'a')).toBe(1);
      expect(await h.port.loadCheckpoint('p')).toEqual(cp('p', 1));
    });

    it('saves and loads a checkpoint alone, without a position too', async () => {
      await h.port.saveCheckpoint(cp('p', undefined, 3));
      expect(await h.port.loadCheckpoint('p')).toEqual(cp('p', undefined, 3));
      await h.port.saveCheckpoint(cp('p', 12, 3));
      expect(await h.port.loadCheckpoint('p')).toEqual(cp('p', 12, 3));
    });

    it('gets many documents, skipping missing keys', async () => {
      await h.port.commit([{ projection: 'p', key: 'a', document: 1 }, { projection: 'p', key: 'b', document: 2 }, { projection: 'o', key: 'c', document: 3 }]);
      const m = await h.port.getMany('p', ['a', 'c', 'b', 'a']);
      expect(Object.fromEntries(m)).toEqual({ a: 1, b: 2 });
    });

    it('lists documents in key order, page by page', async () => {
      const keys = ['m', 'B', 'a', 'z', 'a-1', 'b', 'a0'];
      await h.port.commit(keys.map((key, i) => ({ projection: 'p', key, document: i })));
      await h.port.commit([{ projection: 'other', key: 'a', document: 0 }]);
      const all: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await h.port.list('p', after, 3);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        all.push(...page.map((d) => d.key));
        after = page[page.length - 1]!.key;
      }
      expect(all).toEqual(['B', 'a', 'a-1', 'a0', 'b', 'm', 'z']);
      expect(await h.port.list('p', 'b', 1)).toEqual([{ key: 'm', document: 0 }]);
    });

    it('clears one projection: documents and checkpoint', async () => {
      await h.port.commit([{ projection: 'p', key: 'a', document: 1 }, { projection: 'q', key: 'a', document: 2 }], cp('p', 3));
      await h.port.saveCheckpoint(cp('q', 4));
      await h.port.clear('p');
      expect(await h.port.get('p', 'a')).toBeUndefined();
      expect(await h.port.loadCheckpoint('p')).toBeUndefined();
      expect(await h.port.get('q', 'a')).toBe(2);
      expect(await h.port.loadCheckpoint('q')).toEqual(cp('q', 4));
    });

    it("swaps a rebuilt projection in: the target gets the source's documents and checkpoint, the source is empty", async () => {
      await h.port.commit([{ projection: 'live', key: 'a', document: 'old' }, { projection: 'live', key: 'stale', document: 'old' }], cp('live', 3));
      await h.port.commit([{ projection: 'live.next', key: 'a', document: 'new' }, { projection: 'live.next', key: 'b', document: 'new' }], cp('live.next', 8, 2));
      await h.port.swap('live.next', 'live');
      expect(await h.port.list('live', undefined, 10)).toEqual([{ key: 'a', document: 'new' }, { key: 'b', document: 'new' }]);
      expect(await h.port.loadCheckpoint('live')).toEqual(cp('live', 8, 2));
      expect(await h.port.list('live.next', undefined, 10)).toEqual([]);
      expect(await h.port.loadCheckpoint('live.next')).toBeUndefined();
    });
  });
}
