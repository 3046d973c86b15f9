import { randomUUID } from 'node:crypto';
import type * as Esdb from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { comparePositions, parsePosition, type LogPosition } from '../../log/position.js';
import type { AppendOutcome, AppendRequest, EventLog, StoredEvent } from '../../ports/event-log.js';
import { assertAppendable } from '../memory/assert-appendable.js';
import { chainHash, GENESIS_HASH } from '../shared/hash-chain.js';
import { requirePeer } from '../shared/require-peer.js';
import { esdbStreamName, esdbTarget, fromLogPosition, fromRecorded, isWfeMetadata, toEsdbError, toEventData, toLogPosition, wfeStreamId, type EsdbRecordedEvent } from './esdb-mapping.js';

/** Options of {@link createEventStoreLog}. */
export interface EventStoreLogOptions {
  /** A client of yours (never disposed by the log), or give `connectionString`. */
  readonly client?: EventStoreDBClient;
  /** `esdb://host:2113?tls=false` (KurrentDB accepts the same); the log makes and disposes the client. */
  readonly connectionString?: string;
  /** Prefix of every stream name (default `wfe-`): `wfe-<instance id>`; `readAll` keeps only these streams. */
  readonly streamPrefix?: string;
  /** Time recorded with each event (default `Date.now`). */
  readonly clock?: () => number;
  /** Events read from `$all` per request while looking for this log's events (default 500). */
  readonly readChunk?: number;
}

type Resolved = { event?: EsdbRecordedEvent & { position?: { commit: bigint; prepare: bigint } } };

/**
 * An `EventLog` on EventStoreDB / KurrentDB through `@eventstore/db-client` (an optional peer
 * dependency). Each instance is a stream; the expected version is checked with the server's
 * expected revision (the last event's revision, or "no stream"), so two writers never both append
 * the same version; the envelope (hash, actor, causation, correlation, reason, trace context) is
 * in each event's metadata. `readAll` reads `$all` from a position (commit and prepare as one
 * `LogPosition`) and keeps the events of streams with the prefix. Appends of different streams are
 * separate writes (the server has no multi-stream transaction): each request succeeds or fails on
 * its own, as the port allows. Deleting a stream is a soft delete; its events leave `$all` reads at
 * once (filtered by the stream's truncate-before) and the disk at the next scavenge.
 */
export function createEventStoreLog(options: EventStoreLogOptions): EventLog {
  if (!options.client && !options.connectionString) throw new TypeError('the EventStoreDB log needs a client or a connectionString');
  const prefix = options.streamPrefix ?? 'wfe-';
  const clock = options.clock ?? Date.now;
  const chunk = Math.max(2, options.readChunk ?? 500);
  const owned = !options.client;
  const client: EventStoreDBClient =
    options.client ?? requirePeer<typeof Esdb>('@eventstore/db-client', 'wfe/eventstoredb').EventStoreDBClient.connectionString(options.connectionString!);
  const target = options.connectionString ? esdbTarget(options.connectionString) : 'the server of the given client';

  const guard = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw toEsdbError(e, doing, target);
    }
  };
  const notFound = (e: unknown) => (e as { type?: unknown } | null)?.type === 'stream-not-found' || (e as { type?: unknown } | null)?.type === 'stream-deleted';

  /** The last wfe event of a stream (with its server revision), or undefined. */
  async function last(streamId: string): Promise<{ stored: StoredEvent; revision: bigint } | undefined> {
    return guard(`reading the head of stream ${streamId}`, async () => {
      try {
        for await (const r of client.readStream(esdbStreamName(prefix, streamId), { direction: 'backwards', fromRevision: 'end', maxCount: 1 }) as AsyncIterable<Resolved>) {
          if (r.event && isWfeMetadata(r.event.metadata)) return { stored: fromRecorded(prefix, r.event, r.event.position ?? { commit: 0n, prepare: 0n }), revision: r.event.revision };
        }
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
      return undefined;
    });
  }

  /** Revision before which a (soft-)deleted stream's events are gone, per stream, for `$all` reads. */
  async function truncatedBefore(streamNames: Iterable<string>): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const name of streamNames) {
      const { metadata } = await client.getStreamMetadata(name);
      const tb = metadata?.truncateBefore;
      if (typeof tb === 'number') out.set(name, BigInt(tb));
      else if (tb === 'end') out.set(name, BigInt(Number.MAX_SAFE_INTEGER));
    }
    return out;
  }

  async function appendOne(req: AppendRequest): Promise<AppendOutcome> {
    const head = await last(req.streamId);
    const actual = head?.stored.version ?? 0;
    if (req.expectedVersion !== actual) return { ok: false, streamId: req.streamId, reason: 'conflict', actualVersion: actual };
    if (req.events.length === 0) {
      return { ok: true, streamId: req.streamId, nextVersion: actual, lastPosition: head?.stored.position ?? parsePosition('0'.repeat(20)), lastHash: head?.stored.hash ?? GENESIS_HASH, inlineWritten: false };
    }
    const recordedAt = clock();
    const meta = req.meta ?? {};
    let prev = head?.stored.hash ?? GENESIS_HASH;
    const data = req.events.map((event, i) => {
      const e = { streamId: req.streamId, version: actual + i + 1, recordedAt, event: structuredClone(event), meta: structuredClone(meta) };
      prev = chainHash(prev, e);
      return toEventData({ ...e, hash: prev }, randomUUID());
    });
    try {
      const result = await client.appendToStream(esdbStreamName(prefix, req.streamId), data as never, { expectedRevision: head ? head.revision : 'no_stream' });
      const after = result.position ?? (await last(req.streamId))?.stored.position;
      return { ok: true, streamId: req.streamId, nextVersion: actual + req.events.length, lastPosition: toPosition(after), lastHash: prev, inlineWritten: false };
    } catch (e) {
      if ((e as { type?: unknown }).type !== 'wrong-expected-version') throw e;
      // Another writer got there first: report the version it left.
      return { ok: false, streamId: req.streamId, reason: 'conflict', actualVersion: (await last(req.streamId))?.stored.version ?? 0 };
    }
  }

  const toPosition = (p: { commit: bigint; prepare: bigint } | LogPosition | undefined): LogPosition =>
    typeof p === 'string' ? p : p ? toLogPosition(p) : parsePosition('0'.repeat(20));

  return {
    async appendBatch(requests) {
      assertAppendable(requests);
      const out: AppendOutcome[] = [];
      for (const req of requests) out.push(await guard(`appending to stream ${req.streamId}`, () => appendOne(req)));
      return out;
    },

    async read(streamId, fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER) {
      if (fromVersion > toVersion) return [];
      return guard(`reading stream ${streamId}`, async () => {
        const out: StoredEvent[] = [];
        try {
          for await (const r of client.readStream(esdbStreamName(prefix, streamId), { direction: 'forwards', fromRevision: 'start' }) as AsyncIterable<Resolved>) {
            if (!r.event || !isWfeMetadata(r.event.metadata)) continue;
            const e = fromRecorded(prefix, r.event, r.event.position ?? { commit: 0n, prepare: 0n });
            if (e.version >= fromVersion && e.version <= toVersion) out.push(e);
          }
        } catch (e) {
          if (notFound(e)) return [];
          throw e;
        }
        return out;
      });
    },

    async readAll(after, limit) {
      const from = after === undefined ? 'start' : fromLogPosition(after);
      return guard('reading $all', async () => {
        const out: StoredEvent[] = [];
        let position: typeof from = from;
        // Reads start at a position inclusively: everything up to `floor` was seen already.
        let floor = after;
        for (;;) {
          const page: (EsdbRecordedEvent & { position: { commit: bigint; prepare: bigint } })[] = [];
          for await (const r of client.readAll({ fromPosition: position, direction: 'forwards', maxCount: chunk }) as AsyncIterable<Resolved>) {
            if (r.event?.position) page.push(r.event as EsdbRecordedEvent & { position: { commit: bigint; prepare: bigint } });
          }
          const seen = floor;
          const ours = page.filter((e) => wfeStreamId(prefix, e.streamId) !== undefined && isWfeMetadata(e.metadata) && comparePositions(toLogPosition(e.position), seen) > 0);
          const cut = await truncatedBefore(new Set(ours.map((e) => e.streamId)));
          for (const e of ours) {
            const stored = fromRecorded(prefix, e);
            if (e.revision < (cut.get(e.streamId) ?? 0n)) continue;
            out.push(stored);
            if (out.length === limit) return out;
          }
          if (page.length < chunk) return out;
          position = page[page.length - 1]!.position;
          floor = toLogPosition(position);
        }
      });
    },

    async headPosition() {
      return guard('reading the head of $all', async () => {
        let position: 'end' | { commit: bigint; prepare: bigint } = 'end';
        for (;;) {
          const page: (EsdbRecordedEvent & { position: { commit: bigint; prepare: bigint } })[] = [];
          for await (const r of client.readAll({ fromPosition: position, direction: 'backwards', maxCount: chunk }) as AsyncIterable<Resolved>) {
            if (r.event?.position) page.push(r.event as EsdbRecordedEvent & { position: { commit: bigint; prepare: bigint } });
          }
          const ours = page.filter((e) => wfeStreamId(prefix, e.streamId) !== undefined && isWfeMetadata(e.metadata));
          const cut = await truncatedBefore(new Set(ours.map((e) => e.streamId)));
          const found = ours.find((e) => e.revision >= (cut.get(e.streamId) ?? 0n));
          if (found) return fromRecorded(prefix, found).position;
          if (page.length < chunk) return undefined;
          position = page[page.length - 1]!.position;
        }
      });
    },

    async streamVersion(streamId) {
      return (await last(streamId))?.stored.version ?? 0;
    },

    async deleteStreams(streamIds) {
      let gone = 0;
      for (const id of new Set(streamIds)) {
        const version = (await last(id))?.stored.version ?? 0;
        if (version === 0) continue;
        await guard(`deleting stream ${id}`, () => client.deleteStream(esdbStreamName(prefix, id)));
        gone += version;
      }
      return gone;
    },

    async close() {
      if (owned) await client.dispose();
    },
  };
}
