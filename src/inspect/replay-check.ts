import type { WorkflowDefinition } from '../domain/definition.js';
import { fold } from '../domain/evolve.js';
import { canonicalJson } from '../domain/json.js';
import type { InstanceState } from '../domain/state.js';
import type { LogPosition } from '../log/position.js';
import type { Persistence } from '../ports/persistence.js';
import { summarizeInstance } from '../projections/instance-summary.js';
import { SNAPSHOT_SCHEMA } from '../projections/snapshot.js';
import { storedDefinition } from './read-prefix.js';

/** An instance whose re-folded state differs from what the store recorded. */
export interface ReplayDifference {
  readonly instanceId: string;
  /** The first version at which it differs (or the fold fails). */
  readonly version: number;
  readonly reason: string;
}

/** Every stream id of the log, in order of first appearance. */
export async function streamIds(p: Pick<Persistence, 'log'>): Promise<string[]> {
  const ids = new Set<string>();
  for (let after: LogPosition | undefined; ; ) {
    const page = await p.log.readAll(after, 5000);
    for (const e of page) ids.add(e.streamId);
    if (page.length < 5000) break;
    after = page[page.length - 1]!.position;
  }
  return [...ids];
}

/**
 * Upgrade check: re-fold stored runs with this code and compare with what the store recorded when
 * they ran: the fold must not fail, a snapshot must equal the fold up to its version, and the index
 * row (status, version, completion, waits, failed steps) must equal the summary of the fold with
 * the stored definition. Returns the instances that differ, with the first differing version.
 */
export async function replayCheck(p: Persistence, ids: readonly string[]): Promise<{ checked: number; differences: ReplayDifference[] }> {
  const differences: ReplayDifference[] = [];
  for (const id of ids) {
    const events = await p.log.read(id);
    if (events.length === 0) continue;
    let state: InstanceState;
    try {
      state = fold(undefined, events.map((e) => e.event));
    } catch {
      // Find the event this code cannot fold.
      let s: InstanceState | undefined;
      let at = 1;
      try {
        for (const e of events) {
          s = fold(s, [e.event]);
          at++;
        }
      } catch (error) {
        differences.push({ instanceId: id, version: at, reason: `this code cannot fold it: ${(error as Error).message}` });
      }
      continue;
    }
    const snap = await p.snapshots.load(id);
    if (snap && snap.schema === SNAPSHOT_SCHEMA && snap.version <= events.length) {
      const atSnap = fold(undefined, events.slice(0, snap.version).map((e) => e.event));
      if (canonicalJson(atSnap) !== canonicalJson(snap.state)) differences.push({ instanceId: id, version: snap.version, reason: 'the stored snapshot differs from the fold at its version' });
    }
    const row = await p.instances.get(id);
    if (row && row.version === state.version) {
      const definition: WorkflowDefinition | undefined = await storedDefinition(p.definitions, state.definitionId, state.definitionVersion);
      const now = summarizeInstance(state, () => definition);
      const keys = ['status', 'completedAt', 'waiting', 'failedSteps', 'error'] as const;
      const changed = keys.filter((k) => canonicalJson(now[k] ?? null) !== canonicalJson(row[k] ?? null));
      if (changed.length) differences.push({ instanceId: id, version: row.version, reason: `the index row recorded ${changed.map((k) => `${k} ${JSON.stringify(row[k] ?? null)}`).join(', ')}; this code folds ${changed.map((k) => JSON.stringify(now[k] ?? null)).join(', ')}` });
    }
  }
  return { checked: ids.length, differences };
}
