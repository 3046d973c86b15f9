import { fold } from '../domain/evolve.js';
import { canonicalJson } from '../domain/json.js';
import type { EventLog } from '../ports/event-log.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';
import { SNAPSHOT_SCHEMA } from './snapshot.js';
import type { Drift, VerifyReport } from './verify.js';

/**
 * Check every stored snapshot against the log: the event at its version must have the hash it
 * recorded, and its state must equal the fold of the log up to that version. `repair` deletes the
 * ones that fail (they are a cache: the next load folds from the log, the next append snapshots anew).
 */
export async function verifySnapshots(snapshots: SnapshotStore, log: EventLog, options: { repair?: boolean } = {}): Promise<VerifyReport> {
  const drifted: Drift[] = [];
  let checked = 0;
  for (let after: string | undefined; ; ) {
    const page = await snapshots.list(after, 200);
    for (const snap of page) {
      checked++;
      if (snap.schema !== SNAPSHOT_SCHEMA) continue; // ignored on load anyway
      const events = await log.read(snap.streamId, 1, snap.version);
      const at = events[events.length - 1];
      let problem: string | undefined;
      if (!at || at.version !== snap.version) problem = `the log has no event at version ${snap.version}`;
      else if (at.hash !== snap.hash) problem = `hash ${snap.hash.slice(0, 12)}… does not match the log's ${at.hash.slice(0, 12)}…`;
      else if (canonicalJson(fold(undefined, events.map((e) => e.event))) !== canonicalJson(snap.state)) problem = 'its state differs from the fold of the log';
      if (problem) drifted.push({ key: snap.streamId, kind: 'different', stored: { version: snap.version, problem } });
    }
    if (page.length < 200) break;
    after = page[page.length - 1]!.streamId;
  }
  if (options.repair && drifted.length) await snapshots.delete(drifted.map((d) => d.key));
  return { projection: 'snapshots', checked, drifted };
}
