import { fold } from '../domain/evolve.js';
import type { Json } from '../domain/json.js';
import type { InstanceState } from '../domain/state.js';
import type { EventLog } from '../ports/event-log.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';

/** Bumped whenever the state's shape changes: snapshots of another schema are ignored (the log is folded instead). */
export const SNAPSHOT_SCHEMA = 2;

/**
 * Loads instance state: the cached state (or the latest snapshot) plus the events after it.
 * Reading the tail even for a cached state keeps it right when another host appended meanwhile.
 */
export class InstanceLoader {
  private readonly cache = new Map<string, InstanceState>();
  private readonly snapshotVersions = new Map<string, number>();

  constructor(
    private readonly log: EventLog,
    private readonly snapshots: SnapshotStore,
    private readonly snapshotEvery: number,
    private readonly maxCached = 10_000,
  ) {}

  /** The instance's state, or undefined when its stream does not exist. */
  async load(instanceId: string, options: { useSnapshots?: boolean } = {}): Promise<InstanceState | undefined> {
    let base = this.cache.get(instanceId);
    if (!base && options.useSnapshots !== false) {
      const snap = await this.snapshots.load(instanceId);
      if (snap && snap.schema === SNAPSHOT_SCHEMA) {
        base = snap.state as unknown as InstanceState;
        this.snapshotVersions.set(instanceId, snap.version);
      }
    }
    const tail = await this.log.read(instanceId, (base?.version ?? 0) + 1);
    const state = fold(base, tail.map((e) => e.event));
    if (state.version === 0) return undefined;
    this.remember(state);
    return state;
  }

  remember(state: InstanceState): void {
    this.cache.delete(state.instanceId);
    this.cache.set(state.instanceId, state);
    if (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }

  /** Save a snapshot when enough events have gone by since the last one. */
  async maybeSnapshot(state: InstanceState): Promise<void> {
    const last = this.snapshotVersions.get(state.instanceId) ?? 0;
    if (state.version - last < this.snapshotEvery) return;
    this.snapshotVersions.set(state.instanceId, state.version);
    // hash: '' until the runtime passes the chain hash of the event at `version` (the host rewrite does).
    await this.snapshots.save({ streamId: state.instanceId, version: state.version, hash: '', state: state as unknown as Json, schema: SNAPSHOT_SCHEMA });
  }
}
