import type { WorkflowEvent } from '../../domain/events.js';
import type { AppendOutcome, AppendRequest } from '../../ports/event-log.js';
import { WfeError } from '../../domain/errors.js';
import { findNonJson } from '../../domain/json.js';
import { encodeJson } from '../shared/encode-json.js';
import { assertInlineJson } from '../memory/assert-appendable.js';
import { GENESIS_HASH, linkHash } from '../shared/hash-chain.js';
import { numericPosition } from '../shared/numeric-position.js';

/** The last stored event of a stream, as read inside the append transaction. */
export interface StreamHead {
  readonly version: number;
  readonly hash: string;
  readonly position: number;
}

/** The current lease of a key. */
export interface FenceRow {
  readonly owner: string | null;
  readonly token: number;
}

/** Rows to insert, as the parallel arrays `insert-events` takes. */
export interface EventRows {
  streamIds: string[];
  versions: number[];
  recordedAts: number[];
  types: string[];
  events: string[];
  metas: string[];
  hashes: string[];
  /** The head signature on a request's last event, else null. */
  signatures: (string | null)[];
}

/** What one attempt decided for each request before inserting. */
export interface AppendPlan {
  /**
   * Decided outcomes; `undefined` where the request succeeds once `rows` are inserted (its events
   * are in `rows`, or it is empty and follows one that is) and its position is known only then.
   */
  readonly outcomes: (AppendOutcome | undefined)[];
  readonly rows: EventRows;
  /** Per successful request: the hash of its stream's last event after it (recognises it after an ambiguous commit). */
  readonly lastHashes: Map<number, string>;
  /** Requests that succeed (in request order): their inline writes go into the same transaction. */
  readonly succeeded: number[];
  /** Requests that look like a conflict but may be this batch, committed by an earlier attempt. */
  readonly maybeLanded: number[];
}

/** Inputs of {@link planAppend}. */
export interface PlanInput {
  readonly requests: readonly AppendRequest[];
  readonly heads: ReadonlyMap<string, StreamHead>;
  readonly fences: ReadonlyMap<string, FenceRow>;
  readonly fenceKey: (streamId: string) => string;
  readonly recordedAt: number;
  /** Last hashes computed by an earlier attempt whose commit may have succeeded. */
  readonly earlier?: ReadonlyMap<number, string>;
}

/** Why `fence` is not the current lease of `key`, or undefined when it is. */
function fenceProblem(fence: { owner: string; token: number }, key: string, fences: ReadonlyMap<string, FenceRow>): string | undefined {
  const lease = fences.get(key);
  if (!lease) return `no lease was ever issued on ${key}`;
  if (lease.owner === fence.owner && lease.token === fence.token) return undefined;
  if (lease.owner === null) return `the lease on ${key} was released (latest token ${lease.token})`;
  return `the lease on ${key} is held by ${lease.owner} with token ${lease.token}, not by ${fence.owner} with token ${fence.token}`;
}

/**
 * Throws `WfeError('NOT_SERIALISABLE')` when an event or meta of any request is not plain JSON
 * (a Date or a Map would come back changed and break the hash chain), before anything is stored.
 */
export function assertJson(requests: readonly AppendRequest[]): void {
  for (const r of requests) {
    r.events.forEach((e, k) => {
      const bad = findNonJson(e);
      if (bad) throw new WfeError('NOT_SERIALISABLE', `event ${k + 1} of the append to stream "${r.streamId}" is not JSON at ${bad}`, { streamId: r.streamId, path: bad });
    });
    const badMeta = r.meta ? findNonJson(r.meta) : undefined;
    if (badMeta) throw new WfeError('NOT_SERIALISABLE', `the meta of the append to stream "${r.streamId}" is not JSON at ${badMeta}`, { streamId: r.streamId, path: badMeta });
    assertInlineJson(r);
  }
}

const empty = (): EventRows => ({ streamIds: [], versions: [], recordedAts: [], types: [], events: [], metas: [], hashes: [], signatures: [] });

/**
 * Decide each request against the exact stream heads (read under the append lock): fenced when the
 * lease token is not the current one, else conflict when the expected version is not the head,
 * else hash-chain its events onto the head. Requests of one batch on one stream chain in
 * order. Pure, so the rules are unit-tested without a server.
 */
export function planAppend(input: PlanInput): AppendPlan {
  const { requests, fences, recordedAt } = input;
  const heads = new Map<string, StreamHead | undefined>(input.heads);
  const outcomes: (AppendOutcome | undefined)[] = [];
  const rows = empty();
  const lastHashes = new Map<number, string>();
  const maybeLanded: number[] = [];
  const succeeded: number[] = [];
  requests.forEach((r, i) => {
    const head = heads.get(r.streamId) ?? { version: 0, hash: GENESIS_HASH, position: 0 };
    const conflict: AppendOutcome = { ok: false, streamId: r.streamId, reason: 'conflict', actualVersion: head.version };
    if (head.version !== r.expectedVersion && input.earlier?.has(i) && head.version >= r.expectedVersion + r.events.length) {
      // Probably this very request, committed by an attempt whose COMMIT reply was lost.
      maybeLanded.push(i);
      outcomes[i] = conflict;
      return;
    }
    const fenced = r.fence ? fenceProblem(r.fence, input.fenceKey(r.streamId), fences) : undefined;
    if (fenced) {
      outcomes[i] = { ok: false, streamId: r.streamId, reason: 'fenced', detail: fenced };
      return;
    }
    if (head.version !== r.expectedVersion) {
      outcomes[i] = conflict;
      return;
    }
    succeeded.push(i);
    if (r.events.length === 0) {
      lastHashes.set(i, head.hash);
      outcomes[i] = Number.isNaN(head.position)
        ? undefined
        : { ok: true, streamId: r.streamId, nextVersion: head.version, lastPosition: numericPosition(head.position), lastHash: head.hash, inlineWritten: true };
      return;
    }
    // Serialised once, canonically: the stored text (a json column keeps it as is) is what the hash covers.
    const metaJson = encodeJson(r.meta ?? {}, () => `the meta of the append to stream "${r.streamId}"`, { streamId: r.streamId });
    let prev = head.hash;
    r.events.forEach((event: WorkflowEvent, k) => {
      const version = r.expectedVersion + k + 1;
      const body = encodeJson(event, () => `event ${k + 1} of the append to stream "${r.streamId}"`, { streamId: r.streamId });
      prev = linkHash(prev, r.streamId, version, recordedAt, body, metaJson);
      rows.streamIds.push(r.streamId);
      rows.versions.push(version);
      rows.recordedAts.push(recordedAt);
      rows.types.push(event.type);
      rows.events.push(body);
      rows.metas.push(metaJson);
      rows.hashes.push(prev);
      rows.signatures.push(r.sign && k === r.events.length - 1 ? r.sign(prev) : null);
    });
    lastHashes.set(i, prev);
    outcomes[i] = undefined;
    heads.set(r.streamId, { version: r.expectedVersion + r.events.length, hash: prev, position: Number.NaN });
  });
  return { outcomes, rows, lastHashes, succeeded, maybeLanded };
}
