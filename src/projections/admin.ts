import { WfeError } from '../domain/errors.js';
import type { Persistence } from '../ports/persistence.js';
import { builtInProjections, storedDefinitionLookup, type BoundProjection } from './catalog.js';
import type { DefinitionLookup } from './definitions-lookup.js';
import type { IndexedDataOptions } from './instance-summary.js';
import { rebuildAsync, repairInline, type RebuildReport } from './rebuild.js';
import { projectionStatus, type ProjectionStatus } from './status.js';
import { verifyProjection, type VerifyReport } from './verify.js';
import { verifySnapshots } from './verify-snapshots.js';

/** Operations on the projections of a store, with or without a running host. */
export interface ProjectionAdmin {
  /** Every projection (and `snapshots`) with its position and lag. */
  list(): Promise<ProjectionStatus[]>;
  /** Rebuild from zero (async: beside the live one, then switched in; inline: repaired in place). */
  rebuild(name: string): Promise<RebuildReport>;
  /** Rebuild in memory and report every document that differs from the stored one. */
  verify(name: string): Promise<VerifyReport>;
  readonly names: readonly string[];
}

export interface ProjectionAdminOptions {
  /** Names steps; default: the definitions stored in the persistence. */
  readonly lookup?: DefinitionLookup;
  readonly index?: IndexedDataOptions;
  readonly now?: () => number;
}

/** Projections of a persistence: the built-in ones plus `snapshots`. */
export async function createProjectionAdmin(p: Persistence, options: ProjectionAdminOptions = {}): Promise<ProjectionAdmin> {
  const lookup = options.lookup ?? (await storedDefinitionLookup(p));
  const now = options.now ?? Date.now;
  const all = builtInProjections(p, lookup, options.index);
  const names = [...all.map((b) => b.projection.name), 'snapshots'];
  const find = (name: string): BoundProjection => {
    const b = all.find((x) => x.projection.name === name);
    if (!b) throw new WfeError('INVALID_COMMAND', `no projection named ${JSON.stringify(name)} (there are: ${names.join(', ')})`, { name });
    return b;
  };
  return {
    names,
    async list() {
      const out = await Promise.all(all.map((b) => projectionStatus(b, p.log)));
      return [...out, { name: 'snapshots', version: 1, lifecycle: 'inline' as const, behind: 0, stale: false }];
    },
    async rebuild(name) {
      if (name === 'snapshots') {
        const r = await verifySnapshots(p.snapshots, p.log, { repair: true });
        return { projection: 'snapshots', checked: r.checked, repaired: r.drifted.length };
      }
      const b = find(name);
      if (b.projection.lifecycle === 'inline' || !b.swap) return repairInline(b.projection, b.sink(), p.log, now);
      const shadow = `${name}~rebuild`;
      return rebuildAsync(b.projection, b.sink(shadow), () => b.swap!(shadow), p.log, now);
    },
    async verify(name) {
      if (name === 'snapshots') return verifySnapshots(p.snapshots, p.log);
      const b = find(name);
      const { expected: _expected, ...report } = await verifyProjection(b.projection, b.sink(), p.log, now);
      return report;
    },
  };
}
