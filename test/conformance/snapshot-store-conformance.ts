import { describe, expect, it } from 'vitest';
import type { Snapshot, SnapshotStore } from '../../src/ports/snapshot-store.js';
import { type PortFactory, usePort } from './harness.js';

const snap = (streamId: string, version: number, schema = 1): Snapshot => ({
  streamId,
  version,
  schema,
  state: { status: 'runnable', data: { items: [1, 'two', { three: 3 }], none: null, ok: true }, version },
});

/** The SnapshotStore contract: one snapshot per stream, the last save wins. */
export function snapshotStoreConformance(name: string, factory: PortFactory<SnapshotStore>): void {
  describe(`${name}: SnapshotStore conformance`, () => {
    const h = usePort(factory);

    it('loads nothing for a stream without a snapshot', async () => {
      expect(await h.port.load('none')).toBeUndefined();
    });

    it('saves and loads a snapshot with its state intact', async () => {
      await h.port.save(snap('s', 7, 3));
      expect(await h.port.load('s')).toEqual(snap('s', 7, 3));
    });

    it('overwrites the snapshot of a stream', async () => {
      await h.port.save(snap('s', 3));
      await h.port.save(snap('s', 9, 2));
      expect(await h.port.load('s')).toEqual(snap('s', 9, 2));
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
