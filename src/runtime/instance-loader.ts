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
  private readonly cache = new Map<string, InstanceState>();
  private readonly snapshotVersions = new Map<string, number>();
  /** The chain hash of the last event folded into each cached state, when known. */
  private readonly heads = new Map<string, string>();

  constructor(
    private readonly log: EventLog,
    private readonly snapshots: SnapshotStore,
    private readonly onRefused: (refused: RefusedSnapshot) => void = () => undefined,
    private readonly maxCached = 10_000,
  ) {}

  /** The instance's state, or undefined when its stream does not exist. */
  async load(instanceId: string, options: { useSnapshots?: boolean } = {}): Promise<InstanceState | undefined> {
    const cached = this.cache.get(instanceId);
    let state: InstanceState;
    if (cached) {
      const tail = await this.log.read(instanceId, cached.version + 1);
      const head = this.heads.get(instanceId);
      // Without the cached state's own hash, the tail's first link is checked on the next cold load.
      if (head !== undefined) this.check(instanceId, tail, head, cached.version);
      else if (tail.length > 1) this.check(instanceId, tail.slice(1), tail[0]!.hash, cached.version + 1);
      state = fold(cached, tail.map((e) => e.event));
      this.noteHead(instanceId, tail);
    } else state = await this.loadCold(instanceId, options.useSnapshots !== false);
    if (state.version === 0) return undefined;
    this.remember(state);
    return state;
  }

  private async loadCold(instanceId: string, useSnapshots: boolean): Promise<InstanceState> {
    const snap = useSnapshots ? await this.snapshots.load(instanceId) : undefined;
    if (snap && snap.schema === SNAPSHOT_SCHEMA) {
      // Read from the snapshot's own version: its first event proves the snapshot belongs to this chain.
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
        this.noteHead(instanceId, tail);
        return fold(base, tail.slice(1).map((e) => e.event));
      }
      this.onRefused({ instanceId, version: snap.version, reason });
    }
    const events = await this.log.read(instanceId);
    this.check(instanceId, events, GENESIS_HASH, 0);
    this.noteHead(instanceId, events);
    return fold(undefined, events.map((e) => e.event));
  }

  private check(instanceId: string, events: readonly StoredEvent[], fromHash: string, fromVersion: number): void {
    const problem = verifyChain(events, fromHash, fromVersion);
    if (problem) {
      this.forget(instanceId);
      throw new WfeError('CORRUPT_LOG', `instance ${instanceId} has a broken log at version ${problem.version}: ${problem.problem}; it is not loaded (wfe verify ${instanceId} says more)`, { instanceId, version: problem.version });
    }
  }

  private noteHead(instanceId: string, events: readonly StoredEvent[]): void {
    const last = events[events.length - 1];
    if (last) this.heads.set(instanceId, last.hash);
  }

  /** The chain hash of the state's last event, from an append's outcome (checked loads start from it). */
  rememberHead(instanceId: string, hash: string): void {
    this.heads.set(instanceId, hash);
  }

  remember(state: InstanceState): void {
    this.cache.delete(state.instanceId);
    this.cache.set(state.instanceId, state);
    if (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        this.cache.delete(oldest);
        this.heads.delete(oldest);
      }
    }
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
    this.heads.delete(instanceId);
  }

  /** The version of the last snapshot this loader saw or made for the instance (0: none). */
  lastSnapshotVersion(instanceId: string): number {
    return this.snapshotVersions.get(instanceId) ?? 0;
  }

  noteSnapshot(instanceId: string, version: number): void {
    this.snapshotVersions.set(instanceId, version);
  }
}
