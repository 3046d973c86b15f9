import { describe, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import type { DefinitionStore, StoredDefinition } from '../../ports/definition-store.js';
import { type PortFactory, T0, usePort } from './harness.js';

const def = (id: string, version: number, hash: string, extra: Partial<StoredDefinition> = {}): StoredDefinition => ({
  id,
  version,
  hash,
  definition: { id, version, steps: [{ id: 0, name: 'first', body: { fn: 'x' } }], note: 'é€😀' },
  registeredAt: T0,
  ...extra,
});

/** The DefinitionStore contract: one definition per id and version, content-addressed by hash. */
export function definitionStoreConformance(name: string, factory: PortFactory<DefinitionStore>): void {
  describe(`${name}: DefinitionStore conformance`, () => {
    const h = usePort(factory);

    it('saves and gets a definition, with and without a source', async () => {
      const withSource = def('order', 1, 'h1', { source: { yaml: 'steps: []', inputs: ['a'] } });
      await h.port.save(withSource);
      await h.port.save(def('order', 2, 'h2'));
      expect(await h.port.get('order', 1)).toEqual(withSource);
      expect(await h.port.get('order', 2)).toEqual(def('order', 2, 'h2'));
      expect((await h.port.get('order', 2))?.source).toBeUndefined();
      expect(await h.port.get('order', 3)).toBeUndefined();
      expect(await h.port.get('nope', 1)).toBeUndefined();
    });

    it('saves the same id, version and hash again without change', async () => {
      await h.port.save(def('order', 1, 'h1'));
      await h.port.save(def('order', 1, 'h1', { registeredAt: T0 + 99 }));
      expect(await h.port.get('order', 1)).toEqual(def('order', 1, 'h1'));
      expect(await h.port.list()).toHaveLength(1);
    });

    it('refuses another hash under a stored id and version with DEFINITION_CONFLICT naming both hashes', async () => {
      await h.port.save(def('order', 1, 'aaa111'));
      const err = await h.port.save(def('order', 1, 'bbb222')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isWfeError(err, 'DEFINITION_CONFLICT')).toBe(true);
      expect((err as Error).message).toContain('aaa111');
      expect((err as Error).message).toContain('bbb222');
      expect(await h.port.get('order', 1)).toEqual(def('order', 1, 'aaa111'));
    });

    it('finds a definition by hash', async () => {
      await h.port.save(def('b', 1, 'shared'));
      await h.port.save(def('a', 2, 'shared'));
      await h.port.save(def('a', 1, 'own'));
      expect(await h.port.getByHash('own')).toEqual(def('a', 1, 'own'));
      expect((await h.port.getByHash('shared'))?.id).toBe('a');
      expect(await h.port.getByHash('none')).toBeUndefined();
    });

    it('lists every definition by id then version, or the versions of one id', async () => {
      await h.port.save(def('b', 2, 'x'));
      await h.port.save(def('a', 10, 'y'));
      await h.port.save(def('b', 1, 'z'));
      await h.port.save(def('a', 9, 'w'));
      expect((await h.port.list()).map((d) => `${d.id}@${d.version}`)).toEqual(['a@9', 'a@10', 'b@1', 'b@2']);
      expect((await h.port.list('b')).map((d) => d.version)).toEqual([1, 2]);
      expect(await h.port.list('none')).toEqual([]);
    });
  });
}
