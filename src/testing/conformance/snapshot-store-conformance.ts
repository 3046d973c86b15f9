import { describe, expect, it } from 'vitest';
import type { SnapshotStore } from '../../ports/snapshot-store.js';
import { snapshot as snap } from './fixtures.js';
import { type PortFactory, usePort } from './harness.js';

/** The SnapshotStore contract: one snapshot per stream, an older version never replaces a newer one, listed by stream id. */
export function snapshotStoreConformance(name: string, factory: PortFactory<SnapshotStore>): void {
  describe(`${name}: SnapshotStore conformance`, () => {
    const h = usePort(factory);

    it('loads nothing for a stream without a snapshot', async () => {
      expect(await h.port.load('none')).toBeUndefined();
    });

    it('saves and loads a snapshot with its state and chain hash intact', async () => {
      await h.port.save(snap('s', 7, 3));
      expect(await h.port.load('s')).toEqual(snap('s', 7, 3));
      expect((await h.port.load('s'))?.hash).toBe(snap('s', 7).hash);
    });

    it('replaces the snapshot of a stream with a newer or equal version, never an older one', async () => {
      await h.port.save(snap('s', 3));
      await h.port.save(snap('s', 9, 2));
      expect(await h.port.load('s')).toEqual(snap('s', 9, 2));
      await h.port.save(snap('s', 5));
      expect(await h.port.load('s')).toEqual(snap('s', 9, 2));
      await h.port.save(snap('s', 9, 4));
      expect(await h.port.load('s')).toEqual(snap('s', 9, 4));
      await h.port.save(snap('other', 1));
      expect((await h.port.load('s'))?.version).toBe(9);
    });

    it('deletes snapshots of the given streams only', async () => {
      await h.port.save(snap('a', 1));
      await h.port.save(snap('b', 2));
      await h.port.save(snap('c', 3));
      await h.port.delete(['a', 'c', 'missing']);
      await h.port.delete([]);
      expect(await h.port.load('a')).toBeUndefined();
      expect(await h.port.load('b')).toEqual(snap('b', 2));
      expect(await h.port.load('c')).toBeUndefined();
    });

    it('lists snapshots in stream id order, page by page', async () => {
      for (const id of ['m', 'B', 'a', 'z', 'a-1', 'b']) await h.port.save(snap(id, 2));
      expect((await h.port.list(undefined, 10)).map((s) => s.streamId)).toEqual(['B', 'a', 'a-1', 'b', 'm', 'z']);
      expect(await h.port.list(undefined, 1)).toEqual([snap('B', 2)]);
      expect((await h.port.list('a', 2)).map((s) => s.streamId)).toEqual(['a-1', 'b']);
      expect((await h.port.list('b', 10)).map((s) => s.streamId)).toEqual(['m', 'z']);
      expect(await h.port.list('z', 10)).toEqual([]);
    });

    it('stores snapshots by value', async () => {
      const s = snap('v', 1);
      await h.port.save(s);
      ((s.state as { data: { items: unknown[] } }).data.items).push('late');
      const loaded = await h.port.load('v');
      ((loaded!.state as { data: { items: unknown[] } }).data.items).push('later');
      expect(await h.port.load('v')).toEqual(snap('v', 1));
    });
  });
}
