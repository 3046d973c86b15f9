import type { DefinitionStore } from './definition-store.js';
import type { EventLog } from './event-log.js';
import type { ExternalEventStore } from './external-events.js';
import type { InstanceIndex } from './instance-index.js';
import type { LockProvider } from './lock.js';
import type { ProjectionStore } from './projection-store.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { WorkQueue } from './work-queue.js';

/** Everything a host persists, chosen per port: e.g. a PostgreSQL log with a Redis queue and lock. */
export interface Persistence {
  readonly log: EventLog;
  readonly snapshots: SnapshotStore;
  readonly queue: WorkQueue;
  readonly lock: LockProvider;
  readonly events: ExternalEventStore;
  readonly instances: InstanceIndex;
  readonly definitions: DefinitionStore;
  readonly projections: ProjectionStore;
  /** Wakes idle hosts when work is enqueued elsewhere (LISTEN/NOTIFY, pub/sub); optional. */
  readonly wakeups?: WakeupChannel;
}

export interface WakeupChannel {
  /** Tell other hosts that work is due. */
  notify(): Promise<void>;
  /** Called when another host notifies; returns an unsubscribe function. */
  onWakeup(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Which work writes ride with appends on this persistence (see `EventLog.inlineWork`). */
export function inlineWorkOf(p: Persistence): { readonly queue: boolean; readonly leases: boolean } {
  const w = p.log.inlineWork;
  const queue = w?.queue !== undefined && w.queue === p.queue;
  return { queue, leases: queue && w?.lock !== undefined && w.lock === p.lock };
}
