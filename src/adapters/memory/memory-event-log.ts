import type { WorkflowEvent } from '../../domain/events.js';
import { encodeJson } from '../shared/encode-json.js';
import { GENESIS_HASH, linkHash } from '../shared/hash-chain.js';
import { positionOf, type LogPosition } from '../../log/position.js';
import type { AppendOutcome, AppendRequest, EventLog, EventMeta, StoredEvent } from '../../ports/event-log.js';
import type { InlineWrites } from '../../ports/inline-writes.js';
import { positionParam } from '../shared/numeric-position.js';
import { assertInlineDocuments, jsonCopy } from './assert-appendable.js';

/** Why a fenced append is refused, or undefined when the fence is current. */
export type FenceCheck = (streamId: string, fence: NonNullable<AppendRequest['fence']>) => string | undefined;

export interface MemoryEventLogOptions {
  /** Time recorded on appended events (ms since epoch). Default `Date.now`. */
  readonly clock?: () => number;
  /** Checks `fence` on appends; without it fences are not checked. `createMemoryPersistence` wires its lock. */
  readonly checkFence?: FenceCheck;
  /**
   * Applies a successful request's inline writes synchronously with its append (the stores of the
   * same memory persistence); without it, `inlineWritten` is false and the caller writes them.
   */
  readonly applyInline?: (writes: InlineWrites) => void;
  /** Which work writes `applyInline` takes (see `EventLog.inlineWork`). Default: none. */
  readonly inlineWork?: EventLog['inlineWork'];
}

/** A request's meta and events as canonical JSON. */
interface Encoded {
  readonly metaJson: string;
  readonly bodies: readonly string[];
}

/** First index in `all` (sorted by position) whose position is greater than `after`. */
function firstAfter(all: readonly StoredEvent[], after: LogPosition): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid]!.position <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An in-process event log with the same semantics as the durable ones; lost when the process ends. */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}): EventLog {
  const clock = options.clock ?? Date.now;
  const streams = new Map<string, StoredEvent[]>();
  let all: StoredEvent[] = [];
  let lastPosition = 0;
  const applyInline = options.applyInline;

  const appendOne = (req: AppendRequest, recordedAt: number, encoded: Encoded): AppendOutcome => {
    const { streamId } = req;
    if (req.fence && options.checkFence) {
      const problem = options.checkFence(streamId, req.fence);
      if (problem) return { ok: false, streamId, reason: 'fenced', detail: problem };
    }
    const stream = streams.get(streamId) ?? [];
    const last = stream[stream.length - 1];
    const actualVersion = last?.version ?? 0;
    if (req.expectedVersion !== actualVersion) return { ok: false, streamId, reason: 'conflict', actualVersion };
    let prev = last?.hash ?? GENESIS_HASH;
    const { metaJson, bodies } = encoded;
    const meta = JSON.parse(metaJson) as EventMeta;
    bodies.forEach((body, i) => {
      const version = actualVersion + i + 1;
      const event = JSON.parse(body) as WorkflowEvent;
      const hash = linkHash(prev, streamId, version, recordedAt, body, metaJson);
      const stored: StoredEvent = { streamId, version, position: positionOf(++lastPosition), recordedAt, event, meta, hash };
      stream.push(stored);
      all.push(stored);
      prev = hash;
    });
    if (req.sign && req.events.length > 0) {
      const i = stream.length - 1;
      const signed: StoredEvent = { ...stream[i]!, signature: req.sign(prev) };
      stream[i] = signed;
      all[all.length - 1] = signed;
    }
    if (stream.length > 0) streams.set(streamId, stream);
    const tail = stream[stream.length - 1];
    const inlineWritten = applyInline !== undefined;
    if (applyInline && req.inline) applyInline(req.inline);
    return {
      ok: true,
      streamId,
      nextVersion: tail?.version ?? 0,
      lastPosition: tail?.position ?? positionOf(0),
      lastHash: tail?.hash ?? GENESIS_HASH,
      inlineWritten,
    };
  };

  return {
    ...(options.inlineWork ? { inlineWork: options.inlineWork } : {}),
    async appendBatch(requests) {
      assertInlineDocuments(requests);
      // Serialised once, the whole batch before anything is stored (a bad event stores nothing):
      // the copy kept (nothing the caller holds is shared) and the hashed bytes.
      const encoded = requests.map(
        (r): Encoded => ({
          metaJson: encodeJson(r.meta ?? {}, () => `the meta of the append to stream "${r.streamId}"`, { streamId: r.streamId }),
          bodies: r.events.map((e, i) => encodeJson(e, () => `event ${i + 1} of the append to stream "${r.streamId}"`, { streamId: r.streamId })),
        }),
      );
      const recordedAt = clock();
      return requests.map((req, i) => appendOne(req, recordedAt, encoded[i]!));
    },
    async read(streamId, fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER) {
      const stream = streams.get(streamId) ?? [];
      return jsonCopy(stream.filter((e) => e.version >= fromVersion && e.version <= toVersion));
    },
    async readAll(after, limit) {
      positionParam(after); // refuses a position this log never made
      const start = after === undefined ? 0 : firstAfter(all, after);
      return jsonCopy(all.slice(start, start + Math.max(0, limit)));
    },
    async headPosition() {
      return all[all.length - 1]?.position;
    },
    async streamVersion(streamId) {
      const stream = streams.get(streamId);
      return stream?.[stream.length - 1]?.version ?? 0;
    },
    async importStream(events) {
      const streamId = events[0]?.streamId;
      if (streamId === undefined) return;
      if (streams.has(streamId)) throw new Error(`stream ${streamId} exists`);
      const stored = jsonCopy(events).map((e) => ({ ...e, position: positionOf(++lastPosition) }) as StoredEvent);
      streams.set(streamId, stored);
      all.push(...stored);
    },
    async deleteStreams(streamIds) {
      const gone = new Set(streamIds);
      let count = 0;
      for (const id of gone) {
        count += streams.get(id)?.length ?? 0;
        streams.delete(id);
      }
      if (count > 0) all = all.filter((e) => !gone.has(e.streamId));
      return count;
    },
    async close() {},
  };
}
