import type { Persistence } from '../../ports/persistence.js';
import { createMemoryEventLog } from './memory-event-log.js';
import { createMemoryExternalEventStore } from './memory-external-event-store.js';
import { createMemoryInstanceIndex } from './memory-instance-index.js';
import { createMemoryLockProvider } from './memory-lock-provider.js';
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
 * key of a stream is its stream id).
 */
export function createMemoryPersistence(options: MemoryPersistenceOptions = {}): Persistence {
  const clock = options.clock ?? Date.now;
  const lock = createMemoryLockProvider({ clock });
  return {
    log: createMemoryEventLog({ clock, checkFence: (streamId, fence) => lock.fenceProblem(streamId, fence) }),
    snapshots: createMemorySnapshotStore(),
    queue: createMemoryWorkQueue(),
    lock,
    events: createMemoryExternalEventStore(options.newToken ? { newToken: options.newToken } : {}),
    instances: createMemoryInstanceIndex(),
    wakeups: createMemoryWakeupChannel(),
  };
}

/** An in-memory {@link EventLog}; `clock` stamps `recordedAt`, `checkFence` (optional) checks fenced appends. */
export { createMemoryEventLog, type MemoryEventLogOptions, type FenceCheck } from './memory-event-log.js';
/** An in-memory {@link SnapshotStore}. */
export { createMemorySnapshotStore } from './memory-snapshot-store.js';
/** An in-memory {@link WorkQueue}. */
export { createMemoryWorkQueue } from './memory-work-queue.js';
/** An in-memory {@link LockProvider} that can also check append fences. */
export { createMemoryLockProvider, type MemoryLockProvider, type MemoryLockOptions } from './memory-lock-provider.js';
/** An in-memory {@link ExternalEventStore}. */
export { createMemoryExternalEventStore, type MemoryExternalEventStoreOptions } from './memory-external-event-store.js';
/** An in-memory {@link InstanceIndex}. */
export { createMemoryInstanceIndex } from './memory-instance-index.js';
/** An in-process {@link WakeupChannel}. */
export { createMemoryWakeupChannel } from './memory-wakeup-channel.js';
