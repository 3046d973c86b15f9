import type { Persistence } from '../../ports/persistence.js';
import { createMemoryDefinitionStore } from './memory-definition-store.js';
import { createMemoryEventLog } from './memory-event-log.js';
import { createMemoryExternalEventStore } from './memory-external-event-store.js';
import { createMemoryInstanceIndex } from './memory-instance-index.js';
import { createMemoryLockProvider } from './memory-lock-provider.js';
import { createMemoryProjectionStore } from './memory-projection-store.js';
import { createMemorySnapshotStore } from './memory-snapshot-store.js';
import { createMemoryWakeupChannel } from './memory-wakeup-channel.js';
import { createMemoryWorkQueue } from './memory-work-queue.js';

/** Options of {@link createMemoryPersistence}. */
export interface MemoryPersistenceOptions {
  /** Time (ms since epoch) for recorded events and lock leases. Default `Date.now`; pass a simulated clock in tests. */
  readonly clock?: () => number;
  /** Makes activity claim tokens. Default `crypto.randomUUID`. */
  readonly newToken?: () => string;
}

/**
 * Every port in memory, with the same semantics as the durable adapters but nothing kept when the
 * process ends: for tests and prototypes. The log checks append fences against this lock (the lock
 * key of a stream is its stream id), and applies a request's inline writes (index row, snapshot,
 * documents) to these stores with the append (`inlineWritten: true`).
 */
export function createMemoryPersistence(options: MemoryPersistenceOptions = {}): MemoryPersistence {
  const clock = options.clock ?? Date.now;
  const lock = createMemoryLockProvider({ clock });
  const snapshots = createMemorySnapshotStore();
  const instances = createMemoryInstanceIndex();
  const projections = createMemoryProjectionStore();
  const queue = createMemoryWorkQueue();
  return {
    log: createMemoryEventLog({
      clock,
      checkFence: (streamId, fence) => lock.fenceProblem(streamId, fence),
      // Leases are this process's memory: taking one costs nothing, so none rides with an append.
      inlineWork: { queue },
      applyInline: (writes) => {
        if (writes.instance) instances.upsertNow([writes.instance]);
        if (writes.snapshot) snapshots.saveNow(writes.snapshot);
        if (writes.documents) projections.writeNow(writes.documents);
        if (writes.queue) queue.writeNow(writes.queue);
      },
    }),
    snapshots,
    queue,
    lock,
    events: createMemoryExternalEventStore(options.newToken ? { newToken: options.newToken } : {}),
    instances,
    definitions: createMemoryDefinitionStore(),
    projections,
    wakeups: createMemoryWakeupChannel(),
    now: clock,
  };
}

/** The memory stores, and the clock they stamp times with (a test host checks it is its own). */
export interface MemoryPersistence extends Persistence {
  readonly now: () => number;
}

/** An in-memory {@link EventLog}; `clock` stamps `recordedAt`, `checkFence` (optional) checks fenced appends. */
export { createMemoryEventLog, type MemoryEventLogOptions, type FenceCheck } from './memory-event-log.js';
/** An in-memory {@link SnapshotStore}. */
export { createMemorySnapshotStore, type MemorySnapshotStore } from './memory-snapshot-store.js';
/** An in-memory {@link DefinitionStore}. */
export { createMemoryDefinitionStore } from './memory-definition-store.js';
/** An in-memory {@link ProjectionStore} with checkpoints. */
export { createMemoryProjectionStore, type MemoryProjectionStore } from './memory-projection-store.js';
/** An in-memory {@link WorkQueue}. */
export { createMemoryWorkQueue, type MemoryWorkQueue } from './memory-work-queue.js';
/** An in-memory {@link LockProvider} that can also check append fences. */
export { createMemoryLockProvider, type MemoryLockProvider, type MemoryLockOptions } from './memory-lock-provider.js';
/** An in-memory {@link ExternalEventStore}. */
export { createMemoryExternalEventStore, type MemoryExternalEventStoreOptions } from './memory-external-event-store.js';
/** An in-memory {@link InstanceIndex}. */
export { createMemoryInstanceIndex, type MemoryInstanceIndex } from './memory-instance-index.js';
/** An in-process {@link WakeupChannel}. */
export { createMemoryWakeupChannel } from './memory-wakeup-channel.js';
