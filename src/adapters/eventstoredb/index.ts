/**
 * `wfe/eventstoredb`: the event log on EventStoreDB / KurrentDB (`@eventstore/db-client`, an optional
 * peer dependency: `npm install @eventstore/db-client`), beside PostgreSQL (or PostgreSQL + Redis)
 * for leases, the queue and the read side:
 *
 * ```ts
 * const pg = await createPostgresPersistence({ connectionString: process.env.DATABASE_URL });
 * const log = createEventStoreLog({ connectionString: 'esdb://localhost:2113?tls=false' });
 * const persistence = withEventStoreLog(pg, log);
 * ```
 */
export { createEventStoreLog, type EventStoreLogOptions } from './eventstoredb-event-log.js';
export { withEventStoreLog } from './with-eventstore-log.js';
export { toEventData, fromRecorded, toLogPosition, fromLogPosition, esdbStreamName, wfeStreamId, type EsdbMetadata, type EsdbEventData, type EsdbRecordedEvent } from './esdb-mapping.js';
