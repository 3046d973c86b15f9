export type { EventLog, EventMeta, StoredEvent, AppendRequest, AppendOutcome } from './event-log.js';
export type { SnapshotStore, Snapshot } from './snapshot-store.js';
export type { WorkQueue } from './work-queue.js';
export type { LockProvider, Lease } from './lock.js';
export type { ExternalEventStore, ExternalEvent, Subscription, ActivityClaim } from './external-events.js';
export type { InstanceIndex, InstanceSummary, InstanceQuery } from './instance-index.js';
export type { Persistence, WakeupChannel } from './persistence.js';
