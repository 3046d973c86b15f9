import type { WorkflowEvent } from '../domain/events.js';
import type { LogPosition } from '../log/position.js';
import type { InlineWrites } from './inline-writes.js';
import type { Lease, LockProvider } from './lock.js';
import type { WorkQueue } from './work-queue.js';

/**
 * Who or what caused an event, recorded beside it (never inside the domain event).
 * `actor` is a user, service or host id; `causationId` the id of the command or event that led to it.
 */
export interface EventMeta {
  readonly actor?: string;
  readonly causationId?: string;
  readonly correlationId?: string;
  /** Why a person or service acted (suspend, terminate, data change, fork...). */
  readonly reason?: string;
  /** W3C trace context of the span the event was appended under (with `wfe/otel`), so a run continues its caller's trace. */
  readonly traceparent?: string;
}

/** What a purge leaves of a stream: enough for verify to tell a purge from a loss. */
export interface Tombstone {
  readonly streamId: string;
  readonly lastVersion: number;
  readonly lastHash: string;
  readonly actor?: string;
  readonly reason?: string;
  readonly purgedAt: number;
}

/** An event as stored: the domain event plus the log's envelope. */
export interface StoredEvent {
  readonly streamId: string;
  /** 1, 2, 3... within the stream, gapless. */
  readonly version: number;
  /** Position in the whole log, increasing in append order (gaps allowed); opaque, see `comparePositions`. */
  readonly position: LogPosition;
  /** When the log recorded it (ms since epoch). */
  readonly recordedAt: number;
  readonly event: WorkflowEvent;
  readonly meta: EventMeta;
  /** sha256 over the previous event's hash and this event's canonical JSON (hex). */
  readonly hash: string;
  /**
   * On the last event of an append made with a signing key: base64 Ed25519 signature of
   * `wfe-head:1:<hash>` (see `src/log/signing.ts`, docs/audit.md). Not part of the hash.
   */
  readonly signature?: string;
}

export interface AppendRequest {
  readonly streamId: string;
  /** The stream's version the caller decided on: 0 for a new stream. */
  readonly expectedVersion: number;
  /**
   * The hash of the stream's event at `expectedVersion`, when the caller knows it and holds the
   * instance's lease (`fence`): a log may then chain onto it without reading the stream's head,
   * its unique (stream, version) key still refusing a conflicting append.
   */
  readonly expectedHash?: string;
  readonly events: readonly WorkflowEvent[];
  readonly meta?: EventMeta;
  /** Fencing token of the caller's lease, when the log checks ownership. */
  readonly fence?: { readonly owner: string; readonly token: number };
  /**
   * Inline projections of this request's result (the instance index row, a snapshot, documents).
   * A log that shares a transaction with those stores writes them in the append's own transaction
   * (read-your-writes, no extra commit) and says so with `inlineWritten: true`; otherwise the caller
   * writes them itself after the append. Never written when the request fails.
   */
  readonly inline?: InlineWrites;
  /**
   * Signs the request's last chain hash (Ed25519, the key outside the store); the log stores the
   * signature with that event. A log that cannot store signatures ignores it (verify then reports
   * the head unsigned).
   */
  readonly sign?: (lastHash: string) => string;
}

export type AppendOutcome =
  | {
      readonly ok: true;
      readonly streamId: string;
      readonly nextVersion: number;
      readonly lastPosition: LogPosition;
      /** The hash of the stream's last event after this append. */
      readonly lastHash: string;
      /** True when the request's `inline` writes were committed with the events. */
      readonly inlineWritten: boolean;
      /** The lease taken by `inline.lease` (op `acquire`), when it was free. */
      readonly lease?: Lease;
    }
  | { readonly ok: false; readonly streamId: string; readonly reason: 'conflict'; readonly actualVersion: number }
  | { readonly ok: false; readonly streamId: string; readonly reason: 'fenced'; readonly detail: string };

/**
 * The append-only log. Each stream is one instance. Appends are atomic: all of a request's events
 * are stored or none are.
 */
export interface EventLog {
  /**
   * The work queue and lock whose rows this log writes in an append's own transaction when a request
   * carries them (`inline.queue`, `inline.lease`). The runtime sends them only when these are the
   * very ports of its persistence (a log beside another store's queue writes none): then a start
   * queues its instance, and a run's last pass gives back its claim and lease, with no commit of
   * their own.
   */
  readonly inlineWork?: { readonly queue?: WorkQueue; readonly lock?: LockProvider };
  /**
   * Append several requests (different streams) in one durable commit: group commit.
   * Each request succeeds or fails on its own (a conflict on one leaves the others stored).
   * Throws only when the store itself fails, in which case nothing of the batch is stored.
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  /** Events of one stream with `fromVersion <= version <= toVersion`, in order. */
  read(streamId: string, fromVersion?: number, toVersion?: number): Promise<StoredEvent[]>;
  /** Events of all streams after `after` (from the start when undefined), in position order, at most `limit`. */
  readAll(after: LogPosition | undefined, limit: number): Promise<StoredEvent[]>;
  /** The position of the last event in the log, undefined when it is empty. */
  headPosition(): Promise<LogPosition | undefined>;
  /** The stream's current version (0 when it does not exist). */
  streamVersion(streamId: string): Promise<number>;
  /**
   * Delete whole streams (purge): the only way events ever leave the log. Returns how many events
   * went. Logs that keep tombstones record each stream's last version and hash with `by` and the time.
   */
  deleteStreams(streamIds: readonly string[], by?: { readonly actor?: string; readonly reason?: string }): Promise<number>;
  /** The tombstones of purged streams, when the log keeps them (SQLite, PostgreSQL). */
  tombstones?(): Promise<Tombstone[]>;
  /**
   * Store a whole stream as exported from another log, keeping its recorded times, hashes and
   * signatures (the caller verified them): all or nothing; refused when the stream exists.
   */
  importStream?(events: readonly Omit<StoredEvent, 'position'>[]): Promise<void>;
  close(): Promise<void>;
}
