import { isWfeError, WfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import { positionOfPair, positionPair, type LogPosition } from '../../log/position.js';
import type { EventMeta, StoredEvent } from '../../ports/event-log.js';

/**
 * How a wfe event is stored in EventStoreDB/KurrentDB: one stream per instance (`<prefix><instance
 * id>`), the domain event as the JSON data with its `type` as the event type, and the envelope in
 * the metadata: wfe's version in the stream, the recorded time (from wfe's clock), the chain hash,
 * actor, causation, correlation, reason and trace context. `$correlationId` / `$causationId` are
 * set too, as the server's own projections read them.
 */
export interface EsdbMetadata {
  readonly wfe: 1;
  /** The event's version in wfe's stream (1, 2, 3...): the server's revision can differ after a stream was deleted and started again. */
  readonly v: number;
  readonly recordedAt: number;
  readonly hash: string;
  readonly meta: EventMeta;
  readonly $correlationId?: string;
  readonly $causationId?: string;
}

/** What the client appends (`JSONEventData` of `@eventstore/db-client`). */
export interface EsdbEventData {
  readonly id: string;
  readonly contentType: 'application/json';
  readonly type: string;
  readonly data: WorkflowEvent;
  readonly metadata: EsdbMetadata;
}

/** The fields of a recorded event the log reads (`RecordedEvent` of `@eventstore/db-client`). */
export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint };
}

/** The server's stream of a wfe stream. */
export function esdbStreamName(prefix: string, streamId: string): string {
  return `${prefix}${streamId}`;
}

/** The wfe stream of a server stream, or undefined for streams of others (another prefix, system streams). */
export function wfeStreamId(prefix: string, streamName: string): string | undefined {
  if (streamName.startsWith('$') || !streamName.startsWith(prefix)) return undefined;
  const id = streamName.slice(prefix.length);
  return id === '' ? undefined : id;
}

/** One event to append: the stored envelope in the metadata. */
export function toEventData(e: Omit<StoredEvent, 'position'>, id: string): EsdbEventData {
  return {
    id,
    contentType: 'application/json',
    type: e.event.type,
    data: e.event,
    metadata: {
      wfe: 1,
      v: e.version,
      recordedAt: e.recordedAt,
      hash: e.hash,
      meta: e.meta,
      ...(e.meta.correlationId !== undefined ? { $correlationId: e.meta.correlationId } : {}),
      ...(e.meta.causationId !== undefined ? { $causationId: e.meta.causationId } : {}),
    },
  };
}

/** A position on the server (`$all`) as a wfe position, and back. */
export function toLogPosition(p: { readonly commit: bigint; readonly prepare: bigint }): LogPosition {
  return positionOfPair(p.commit, p.prepare);
}

export function fromLogPosition(p: LogPosition): { commit: bigint; prepare: bigint } {
  const [commit, prepare] = positionPair(p);
  return { commit, prepare };
}

/** True for events this log wrote (others in the same stream or in `$all` are not wfe's). */
export function isWfeMetadata(m: unknown): m is EsdbMetadata {
  const x = m as Partial<EsdbMetadata> | null;
  return typeof x === 'object' && x !== null && x.wfe === 1 && typeof x.v === 'number' && typeof x.hash === 'string' && typeof x.recordedAt === 'number';
}

/** A recorded event of a wfe stream as a `StoredEvent`; `CORRUPT_LOG` when its metadata is not wfe's. */
export function fromRecorded(prefix: string, r: EsdbRecordedEvent, position?: { readonly commit: bigint; readonly prepare: bigint }): StoredEvent {
  const streamId = wfeStreamId(prefix, r.streamId);
  const at = position ?? r.position;
  if (streamId === undefined || !isWfeMetadata(r.metadata) || !at) {
    throw new WfeError('CORRUPT_LOG', `event ${r.revision} of the EventStoreDB stream ${r.streamId} is not a wfe event (no wfe metadata or position)`, {
      stream: r.streamId,
      revision: String(r.revision),
    });
  }
  return {
    streamId,
    version: r.metadata.v,
    position: toLogPosition(at),
    recordedAt: r.metadata.recordedAt,
    event: r.data as WorkflowEvent,
    meta: r.metadata.meta ?? {},
    hash: r.metadata.hash,
  };
}

const UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);

/** The client's errors as `WfeError`s: an unreachable server is `STORE_UNAVAILABLE` naming the endpoint, never credentials. */
export function toEsdbError(e: unknown, doing: string, target: string): unknown {
  if (isWfeError(e)) return e;
  const type = (e as { type?: unknown } | null)?.type;
  const said = (e instanceof Error ? e.message : String(e)).replace(/(\w+:\/\/)[^/@\s]+@/g, '$1');
  if (typeof type === 'string' && UNAVAILABLE.has(type)) return new WfeError('STORE_UNAVAILABLE', `EventStoreDB at ${target} is unavailable while ${doing}: ${said}`, { target });
  if (type === 'access-denied') return new WfeError('STORE_UNAVAILABLE', `EventStoreDB at ${target} denied access while ${doing}: ${said}`, { target });
  return e;
}

/** `host:port` of an `esdb://` or `kurrentdb://` connection string, without credentials. */
export function esdbTarget(connectionString: string): string {
  const m = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(connectionString);
  return m?.[1] ?? 'EventStoreDB';
}
