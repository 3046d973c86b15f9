import type Database from 'better-sqlite3';
import { encodeJson } from '../shared/encode-json.js';
import { GENESIS_HASH, linkHash } from '../shared/hash-chain.js';
import type { AppendOutcome, AppendRequest, EventLog } from '../../ports/event-log.js';
import type { InlineWrites } from '../../ports/inline-writes.js';
import type { Lease } from '../../ports/lock.js';
import { assertInlineDocuments } from '../memory/assert-appendable.js';
import type { FenceCheck } from '../memory/memory-event-log.js';
import { numericPosition, positionParam } from '../shared/numeric-position.js';
import { decodeEventRow, type EventRow } from './decode-event-row.js';
import type { SqliteStore } from './open-sqlite-database.js';

const LAST_OF_STREAM = 'SELECT version, hash FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1';
const INSERT_EVENT =
  'INSERT INTO events (stream_id, version, recorded_at, type, body, meta, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const FENCE_OF_KEY = 'SELECT owner, token FROM locks WHERE key = ?';
const COLUMNS = 'position, stream_id, version, recorded_at, type, body, meta, hash, signature';
const READ_STREAM = `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version BETWEEN ? AND ? ORDER BY version`;
const READ_ALL = `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`;
const STREAM_VERSION = 'SELECT coalesce(max(version), 0) AS v FROM events WHERE stream_id = ?';
const DELETE_STREAM = 'DELETE FROM events WHERE stream_id = ?';
const OPEN_GATE = 'UPDATE purge_gate SET open = ? WHERE id = 1';
const TOMBSTONE = 'INSERT OR REPLACE INTO tombstones (stream_id, last_version, last_hash, actor, reason, purged_at) VALUES (?, ?, ?, ?, ?, ?)';
const TOMBSTONES = 'SELECT stream_id, last_version, last_hash, actor, reason, purged_at FROM tombstones ORDER BY purged_at, stream_id';
const HEAD = 'SELECT max(position) AS p FROM events';

const isUniqueViolation = (e: unknown): boolean => {
  const code = (e as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

export interface SqliteEventLogOptions {
  readonly clock: () => number;
  /** The lock key a stream's fence is checked against. Default: the stream id. */
  readonly fenceKey?: (streamId: string) => string;
  /** Checks fences against a lock outside the file (given the lock key); default: the file's `locks` table. */
  readonly checkFence?: FenceCheck;
  /** Closes the shared database when the last port lets go. */
  readonly onClose?: () => void;
  /**
   * Writes a successful request's inline projections inside the append's transaction (the index,
   * snapshot and projection tables of the same file); without it `inlineWritten` is false.
   */
  readonly writeInline?: (writes: InlineWrites) => Lease | undefined;
  /** Which work writes `writeInline` takes (queue entry, lease); see `EventLog.inlineWork`. */
  readonly inlineWork?: EventLog['inlineWork'];
}

/**
 * The event log on SQLite. `appendBatch` is one IMMEDIATE transaction: each request reads its
 * stream's last version and hash inside it (so other processes' appends are always seen), the
 * inserts chain hashes, and conflicts are outcomes. A successful request's inline writes go in the
 * same transaction. Only a store failure rolls the batch back.
 */
export function createSqliteEventLog(store: SqliteStore, options: SqliteEventLogOptions): EventLog {
  const { db } = store;
  const fenceKey = options.fenceKey ?? ((s: string) => s);

  const fenceProblem = (streamId: string, fence: NonNullable<AppendRequest['fence']>): string | undefined => {
    const key = fenceKey(streamId);
    if (options.checkFence) return options.checkFence(key, fence);
    const held = store.statement(FENCE_OF_KEY).get(key) as { owner: string | null; token: number } | undefined;
    if (!held) return `no lease was ever granted on "${key}"`;
    if (held.token !== fence.token) return `lease ${fence.token} on "${key}" was superseded by lease ${held.token}`;
    if (held.owner === null) return `lease ${fence.token} on "${key}" was released`;
    if (held.owner !== fence.owner) return `lease ${fence.token} on "${key}" is not held by ${fence.owner}`;
    return undefined;
  };

  const appendOne = (req: AppendRequest, recordedAt: number): AppendOutcome => {
    const { streamId } = req;
    if (req.fence) {
      const problem = fenceProblem(streamId, req.fence);
      if (problem) return { ok: false, streamId, reason: 'fenced', detail: problem };
    }
    // A fenced writer that knows the head chains onto it without reading it: the (stream, version)
    // key refuses the first insert if someone appended meanwhile.
    const trusted = req.fence !== undefined && req.expectedHash !== undefined && req.expectedVersion > 0;
    const last = trusted ? { version: req.expectedVersion, hash: req.expectedHash! } : (store.statement(LAST_OF_STREAM).get(streamId) as { version: number; hash: string } | undefined);
    const actualVersion = last?.version ?? 0;
    if (req.expectedVersion !== actualVersion) return { ok: false, streamId, reason: 'conflict', actualVersion };
    // Serialised once, canonically: the stored bytes are the bytes the chain hash covers.
    const metaJson = encodeJson(req.meta ?? {}, () => `the meta of the append to stream "${streamId}"`, { streamId });
    const insert = store.statement(INSERT_EVENT);
    let prev = last?.hash ?? GENESIS_HASH;
    let lastPosition = 0;
    let version = actualVersion;
    for (const [i, event] of req.events.entries()) {
      version++;
      const body = encodeJson(event, () => `event ${i + 1} of the append to stream "${streamId}"`, { streamId });
      const hash = linkHash(prev, streamId, version, recordedAt, body, metaJson);
      // Signed as it is inserted: rows are never updated (a trigger refuses it).
      const signature = req.sign && i === req.events.length - 1 ? req.sign(hash) : null;
      let info: Database.RunResult;
      try {
        info = insert.run(streamId, version, recordedAt, event.type, body, metaJson, hash, signature);
      } catch (error) {
        // Only the first insert can meet an existing version (versions are gapless); SQLite undid
        // just that statement, so nothing of this request is stored.
        if (trusted && i === 0 && isUniqueViolation(error)) return { ok: false, streamId, reason: 'conflict', actualVersion: (store.statement(STREAM_VERSION).get(streamId) as { v: number }).v };
        throw error;
      }
      lastPosition = Number(info.lastInsertRowid);
      prev = hash;
    }
    if (req.events.length === 0) {
      const row = store.statement('SELECT coalesce(max(position), 0) AS p FROM events WHERE stream_id = ?').get(streamId) as { p: number };
      lastPosition = row.p;
    }
    const lease = options.writeInline && req.inline ? options.writeInline(req.inline) : undefined;
    return {
      ok: true,
      streamId,
      nextVersion: version,
      lastPosition: numericPosition(lastPosition),
      lastHash: prev,
      inlineWritten: options.writeInline !== undefined,
      ...(lease ? { lease } : {}),
    };
  };

  const appendAll = db.transaction((requests: readonly AppendRequest[], recordedAt: number) =>
    requests.map((req) => appendOne(req, recordedAt)),
  );
  // The privileged path: the gate opens inside this transaction only, and each stream leaves a tombstone.
  const deleteAll = db.transaction((streamIds: readonly string[], by: { actor?: string; reason?: string }, at: number) => {
    let count = 0;
    store.statement(OPEN_GATE).run(1);
    for (const id of new Set(streamIds)) {
      const last = store.statement(LAST_OF_STREAM).get(id) as { version: number; hash: string } | undefined;
      if (!last) continue;
      store.statement(TOMBSTONE).run(id, last.version, last.hash, by.actor ?? null, by.reason ?? null, at);
      count += store.statement(DELETE_STREAM).run(id).changes;
    }
    store.statement(OPEN_GATE).run(0);
    return count;
  });
  let closed = false;

  return {
    ...(options.inlineWork ? { inlineWork: options.inlineWork } : {}),
    async appendBatch(requests) {
      if (requests.length === 0) return [];
      assertInlineDocuments(requests);
      return store.guard('appending', () => appendAll.immediate(requests, options.clock()));
    },
    async read(streamId, fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER) {
      return store.guard(`reading stream "${streamId}"`, () =>
        (store.statement(READ_STREAM).all(streamId, fromVersion, toVersion) as EventRow[]).map((r) => decodeEventRow(r, store.path)),
      );
    },
    async readAll(after, limit) {
      const from = BigInt(positionParam(after));
      return store.guard('reading the log', () =>
        (store.statement(READ_ALL).all(from, Math.max(0, limit)) as EventRow[]).map((r) => decodeEventRow(r, store.path)),
      );
    },
    async headPosition() {
      const row = store.guard('reading the log head', () => store.statement(HEAD).get() as { p: number | null });
      return row.p === null ? undefined : numericPosition(row.p);
    },
    async streamVersion(streamId) {
      return store.guard(`reading stream "${streamId}"`, () => (store.statement(STREAM_VERSION).get(streamId) as { v: number }).v);
    },
    async deleteStreams(streamIds, by = {}) {
      if (streamIds.length === 0) return 0;
      return store.guard('deleting streams', () => deleteAll.immediate(streamIds, by, options.clock()));
    },
    async importStream(events) {
      store.guard('importing a stream', () =>
        db.transaction(() => {
          const streamId = events[0]?.streamId;
          if (streamId === undefined) return;
          if ((store.statement(STREAM_VERSION).get(streamId) as { v: number }).v > 0) throw new Error(`stream ${streamId} exists`);
          const insert = store.statement(INSERT_EVENT);
          for (const e of events) insert.run(e.streamId, e.version, e.recordedAt, e.event.type, JSON.stringify(e.event), JSON.stringify(e.meta), e.hash, e.signature ?? null);
        }).immediate(),
      );
    },
    async tombstones() {
      const rows = store.guard('reading tombstones', () => store.statement(TOMBSTONES).all()) as { stream_id: string; last_version: number; last_hash: string; actor: string | null; reason: string | null; purged_at: number }[];
      return rows.map((r) => ({ streamId: r.stream_id, lastVersion: r.last_version, lastHash: r.last_hash, ...(r.actor !== null ? { actor: r.actor } : {}), ...(r.reason !== null ? { reason: r.reason } : {}), purgedAt: r.purged_at }));
    },
    async close() {
      if (closed) return;
      closed = true;
      options.onClose?.();
    },
  };
}
