import type { DefinitionStore, StoredDefinition } from '../../ports/definition-store.js';
import { compareText } from '../../projections/search-query.js';
import { definitionConflict } from '../shared/definition-conflict.js';
import { jsonCopy } from './assert-appendable.js';

const byIdVersion = (a: StoredDefinition, b: StoredDefinition) => compareText(a.id, b.id) || a.version - b.version;

/** In-process stored definitions: the same id, version and hash is a no-op, another hash a `DEFINITION_CONFLICT`. */
export function createMemoryDefinitionStore(): DefinitionStore {
  const defs = new Map<string, StoredDefinition>();
  const key = (id: string, version: number) => `${id}\u0000${version}`;
  return {
    async save(d) {
      const old = defs.get(key(d.id, d.version));
      if (old) {
        if (old.hash !== d.hash) throw definitionConflict(d.id, d.version, old.hash, d.hash);
        return;
      }
      defs.set(key(d.id, d.version), jsonCopy(d));
    },
    async get(id, version) {
      const d = defs.get(key(id, version));
      return d ? jsonCopy(d) : undefined;
    },
    async getByHash(hash) {
      const found = [...defs.values()].filter((d) => d.hash === hash).sort(byIdVersion)[0];
      return found ? jsonCopy(found) : undefined;
    },
    async list(id) {
      return jsonCopy([...defs.values()].filter((d) => id === undefined || d.id === id).sort(byIdVersion));
    },
  };
}
