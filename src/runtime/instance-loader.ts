import { GENESIS_HASH, verifyChain } from '../adapters/shared/hash-chain.js';
import { WfeError } from '../domain/errors.js';
import { fold } from '../domain/evolve.js';
import type { InstanceState } from '../domain/state.js';
import type { EventLog, StoredEvent } from '../ports/event-log.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';
import { SNAPSHOT_SCHEMA } from '../projections/snapshot.js';

export { SNAPSHOT_SCHEMA };

/** Why a stored snapshot was not used. */
export interface RefusedSnapshot {
  readonly instanceId: string;
  readonly version: number;
  readonly reason: string;
}

/**
 * Loads instance state: the cached state (or the latest snapshot) plus the events after it.
 * Reading the tail even for a cached state keeps it right when another host appended meanwhile.
 * A snapshot is used only when the log has, at the snapshot's version, the very event whose chain
 * hash the snapshot recorded; otherwise it is refused (reported) and the state is folded from the log.
 * The chain is checked on every load, from the snapshot's (or the cached state's) hash onward: a
 * broken link is `CORRUPT_LOG` naming the instance and the first bad version, never a state used.
 */
export class InstanceLoader {
  /**
   * Cached states with the chain hash of their last event (when known), kept together: a load and a
   * commit of the same instance may interleave, and a tail must be checked against the head of the
   * very state it is folded onto.
   */
  private readonly cache = new Map<string, { readonly state: InstanceState; readonly head?: string }>();
  private readonly snapshotVersions = new Map<string, number>();

  constructor(
    private readonly log: EventLog,
    private readonly snapshots: SnapshotStore,
    private readonly onRefused: (refused: RefusedSnapshot) => void = () => undefined,
    private readonly maxCached = 10_000,
  ) {}

  /**
   * The instance's state, or undefined when its stream does not exist. `version`: the stream's
   * version as its claim read it (from the index row, written in every append's transaction): a
   * cached state at that version is used without reading the log.
   */
  async load(instanceId: string, options: { useSnapshots?: boolean; version?: number } = {}): Promise<InstanceState | undefined> {
    const cached = this.cache.get(instanceId);
    if (cached && options.version !== undefined && cached.state.version === options.version) return cached.state;
    let state: InstanceState;
    let head: string | undefined;
    if (cached) {
      const tail = await this.log.read(instanceId, cached.state.version + 1);
      if (cached.head !== undefined) this.check(instanceId, tail, cached.head, cached.state.version);
      else if (tail.length > 1) this.check(instanceId, tail.slice(1), tail[0]!.hash, cached.state.version + 1);
      state = fold(cached.state, tail.map((e) => e.event));
      head = tail.length ? tail[tail.length - 1]!.hash : cached.head;
    } else ({ state, head } = await this.loadCold(instanceId, options.useSnapshots !== false));
    if (state.version === 0) return undefined;
    this.remember(state, head);
    return state;
  }

  private async loadCold(instanceId: string, useSnapshots: boolean): Promise<{ state: InstanceState; head?: string }> {
    const snap = useSnapshots ? await this.snapshots.load(instanceId) : undefined;
    if (snap && snap.schema === SNAPSHOT_SCHEMA) {
      const tail = await this.log.read(instanceId, snap.version);
      const anchor = tail[0];
      const base = snap.state as unknown as InstanceState;
      let reason: string | undefined;
      if (!anchor || anchor.version !== snap.version) reason = `the log has no event at version ${snap.version}`;
      else if (anchor.hash !== snap.hash) reason = `the snapshot covers hash ${snap.hash.slice(0, 12)}…, the log has ${anchor.hash.slice(0, 12)}… at version ${snap.version}`;
      else if (base?.version !== snap.version || base.instanceId !== instanceId) reason = `the snapshot's state is version ${String(base?.version)} of ${String(base?.instanceId)}`;
      if (!reason) {
        this.snapshotVersions.set(instanceId, snap.version);
        this.check(instanceId, tail.slice(1), snap.hash, snap.version);
        return { state: fold(base, tail.slice(1).map((e) => e.event)), head: tail[tail.length - 1]!.hash };
      }
      this.onRefused({ instanceId, version: snap.version, reason });
    }
    const events = await this.log.read(instanceId);
    this.check(instanceId, events, GENESIS_HASH, 0);
    return { state: fold(undefined, events.map((e) => e.event)), ...(events.length ? { head: events[events.length - 1]!.hash } : {}) };
  }

  private check(instanceId: string, events: readonly StoredEvent[], fromHash: string, fromVersion: number): void {
    const problem = verifyChain(events, fromHash, fromVersion);
    if (problem) {
      this.forget(instanceId);
      throw new WfeError('CORRUPT_LOG', `instance ${instanceId} has a broken log at version ${problem.version}: ${problem.problem}; it is not loaded (wfe verify ${instanceId} says more)`, { instanceId, version: problem.version });
    }
  }

  /**
   * Keep a state (and the chain hash of its last event, from an append's outcome or the log) for the
   * next load. A state older than the one kept is ignored: a load that read the log before a commit
   * must not put back what the commit replaced.
   */
  remember(state: InstanceState, head?: string): void {
    const kept = this.cache.get(state.instanceId);
    if (kept && kept.state.version > state.version) return;
    this.cache.delete(state.instanceId);
    this.cache.set(state.instanceId, head !== undefined ? { state, head } : { state });
    if (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  /** The chain hash of the cached state's last event, when the cached state is at `version`. */
  headAt(instanceId: string, version: number): string | undefined {
    const kept = this.cache.get(instanceId);
    return kept && kept.state.version === version ? kept.head : undefined;
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }

  /** The version of the last snapshot this loader saw or made for the instance (0: none). */
  lastSnapshotVersion(instanceId: string): number {
    return this.snapshotVersions.get(instanceId) ?? 0;
  }

  noteSnapshot(instanceId: string, version: number): void {
    this.snapshotVersions.set(instanceId, version);
  }
}
