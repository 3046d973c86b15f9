import type { PoolClient, QueryResult } from 'pg';
import type { AppendRetryOptions } from './postgres-persistence-options.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { AppendOutcome, AppendRequest, EventLog, StoredEvent } from '../../ports/event-log.js';
import type { DocumentWrite } from '../../ports/projection-store.js';
import type { LeaseWrite, QueueWrite } from '../../ports/inline-writes.js';
import type { Lease } from '../../ports/lock.js';
import { acquireLeasesInlineSql, enqueueInlineSql, releaseInlineSql, releaseLeasesInlineSql } from './sql/inline-work.js';
import type { InstanceSummary } from '../../ports/instance-index.js';
import type { Snapshot } from '../../ports/snapshot-store.js';
import { numericPosition, positionParam } from '../shared/numeric-position.js';
import { instanceLiterals, snapshotValues, splitDocumentWrites } from './instance-rows.js';
import { ADVISORY_CLASS, inTransaction, num, run, statement, withClient, type PgContext } from './pg-context.js';
import { assertJson, planAppend, type AppendPlan, type FenceRow, type StreamHead } from './plan-append.js';
import { checkFencesSql, FENCE_REFUSED } from './sql/check-fences.js';
import { GENESIS_HASH } from '../shared/hash-chain.js';
import { beginAppendSql } from './sql/begin-append.js';
import { deleteIdleLeasesSql } from './sql/delete-idle-leases.js';
import { deleteDocumentsSql } from './sql/delete-documents.js';
import { deleteStreamsSql } from './sql/delete-streams.js';
import { insertTombstonesSql } from './sql/insert-tombstones.js';
import { listTombstonesSql } from './sql/list-tombstones.js';
import { openPurgeGateSql } from './sql/open-purge-gate.js';
import { headPositionSql } from './sql/head-position.js';
import { lockAppendsSql } from './sql/lock-appends.js';
import { insertEventsSql } from './sql/insert-events.js';
import { putDocumentsSql } from './sql/put-documents.js';
import { readAllSql } from './sql/read-all.js';
import { readEventAtSql } from './sql/read-event-at.js';
import { readFencesSql } from './sql/read-fences.js';
import { readHeadsSql } from './sql/read-heads.js';
import { readStreamSql } from './sql/read-stream.js';
import { saveSnapshotsSql } from './sql/save-snapshots.js';
import { streamVersionSql } from './sql/stream-version.js';
import { upsertInstancesSql } from './sql/upsert-instances.js';
import { isConnectionError } from './store-error.js';
import { intArray, intLiteral, nullableIntArray, nullableTextArray, textArray, type Quote } from './sql-literal.js';

interface EventRow {
  stream_id: string;
  version: number;
  position: string;
  recorded_at: string;
  event: WorkflowEvent;
  meta: StoredEvent['meta'];
  hash: string;
  signature: string | null;
}

const toStored = (r: EventRow): StoredEvent => ({
  streamId: r.stream_id,
  version: r.version,
  position: numericPosition(r.position),
  recordedAt: num(r.recorded_at),
  event: r.event,
  meta: r.meta,
  hash: r.hash,
  ...(r.signature ? { signature: r.signature } : {}),
});

/** Thrown inside an attempt so the retry loop knows whether COMMIT may have happened. */
class AttemptFailed extends Error {
  constructor(
    readonly error: unknown,
    readonly commitSent: boolean,
  ) {
    super('append attempt failed');
  }
}

/**
 * The statements writing the inline projections of the requests that succeed: at most one each for
 * index rows, snapshots, document puts and document deletes, however many requests the batch has.
 */
function inlineStatements(schema: string, quote: Quote, requests: readonly AppendRequest[], succeeded: readonly number[]): { statements: string[]; acquires?: number } {
  const rows: InstanceSummary[] = [];
  const snapshots: Snapshot[] = [];
  const documents: DocumentWrite[] = [];
  const queue: QueueWrite[] = [];
  const leases: LeaseWrite[] = [];
  for (const i of succeeded) {
    const inline = requests[i]!.inline;
    if (!inline) continue;
    if (inline.instance) rows.push(inline.instance);
    if (inline.snapshot) snapshots.push(inline.snapshot);
    if (inline.documents) documents.push(...inline.documents);
    if (inline.queue) queue.push(inline.queue);
    if (inline.lease) leases.push(inline.lease);
  }
  const out: string[] = [];
  const work = workStatements(schema, quote, queue, leases);
  if (rows.length > 0) out.push(upsertInstancesSql(schema, instanceLiterals(quote, rows)));
  if (snapshots.length > 0) {
    const [ids, versions, schemas, states, hashes] = snapshotValues(snapshots) as [string[], number[], number[], string[], string[]];
    out.push(
      saveSnapshotsSql(schema, {
        ids: textArray(quote, ids, 'text'),
        versions: intArray(versions, 'int'),
        schemas: intArray(schemas, 'int'),
        states: textArray(quote, states, 'json'),
        hashes: textArray(quote, hashes, 'text'),
      }),
    );
  }
  const { puts, deletes } = splitDocumentWrites(documents);
  if (puts.length > 0) {
    out.push(
      putDocumentsSql(schema, {
        projections: textArray(quote, puts.map((w) => w.projection), 'text'),
        keys: textArray(quote, puts.map((w) => w.key), 'text'),
        documents: textArray(quote, puts.map((w) => JSON.stringify(w.document)), 'json'),
      }),
    );
  }
  if (deletes.length > 0) {
    out.push(
      deleteDocumentsSql(schema, {
        projections: textArray(quote, deletes.map((w) => w.projection), 'text'),
        keys: textArray(quote, deletes.map((w) => w.key), 'text'),
      }),
    );
  }
  const acquires = work.acquire === undefined ? undefined : out.length;
  if (work.acquire !== undefined) out.push(work.acquire);
  out.push(...work.rest);
  return acquires === undefined ? { statements: out } : { statements: out, acquires };
}

/** Queue entries and leases that ride with the appends: one statement per kind. */
function workStatements(schema: string, quote: Quote, queue: readonly QueueWrite[], leases: readonly LeaseWrite[]): { acquire?: string; rest: string[] } {
  const rest: string[] = [];
  const enqueues = queue.filter((w) => w.op === 'enqueue');
  const releases = queue.filter((w) => w.op === 'release');
  if (enqueues.length > 0) {
    rest.push(
      enqueueInlineSql(schema, {
        ids: textArray(quote, enqueues.map((w) => w.instanceId), 'text'),
        dues: intArray(enqueues.map((w) => Math.floor(w.dueAt)), 'bigint'),
        owners: nullableTextArray(quote, enqueues.map((w) => w.claim?.owner ?? null), 'text'),
        untils: nullableIntArray(enqueues.map((w) => (w.claim ? Math.floor(w.claim.until) : null)), 'bigint'),
      }),
    );
  }
  if (releases.length > 0) {
    rest.push(
      releaseInlineSql(schema, {
        ids: textArray(quote, releases.map((w) => w.instanceId), 'text'),
        owners: textArray(quote, releases.map((w) => w.owner), 'text'),
        nexts: nullableIntArray(releases.map((w) => (w.nextDueAt === undefined ? null : Math.floor(w.nextDueAt))), 'bigint'),
      }),
    );
  }
  const gone = leases.filter((w) => w.op === 'release');
  if (gone.length > 0) {
    rest.push(
      releaseLeasesInlineSql(schema, {
        keys: textArray(quote, gone.map((w) => w.key), 'text'),
        owners: textArray(quote, gone.map((w) => w.owner), 'text'),
        tokens: intArray(gone.map((w) => w.token), 'bigint'),
      }),
    );
  }
  const taken = leases.filter((w) => w.op === 'acquire');
  if (taken.length === 0) return { rest };
  const now = intLiteral(Math.floor(Math.min(...taken.map((w) => w.now))));
  return {
    rest,
    acquire: acquireLeasesInlineSql(schema, now, {
      keys: textArray(quote, taken.map((w) => w.key), 'text'),
      owners: textArray(quote, taken.map((w) => w.owner), 'text'),
      expiries: intArray(taken.map((w) => Math.floor(w.expiresAt)), 'bigint'),
    }),
  };
}

/** Results of `beginAppendSql`: BEGIN, SET LOCAL, the advisory lock. */
const BEGIN_STATEMENTS = 3;

/**
 * The head of every request's stream when none needs reading: each request adds events to its own
 * stream, which is new (expected version 0, not fenced) or whose head hash a leaseholder gave.
 */
function headsKnown(requests: readonly AppendRequest[]): Map<string, StreamHead> | undefined {
  const heads = new Map<string, StreamHead>();
  for (const r of requests) {
    if (r.events.length === 0 || heads.has(r.streamId)) return undefined;
    if (r.expectedVersion === 0 && !r.fence) heads.set(r.streamId, { version: 0, hash: GENESIS_HASH, position: Number.NaN });
    else if (r.fence && r.expectedHash !== undefined) heads.set(r.streamId, { version: r.expectedVersion, hash: r.expectedHash, position: Number.NaN });
    else return undefined;
  }
  return heads;
}

/** The fences as their requests claim them (checked in SQL by `checkFencesSql` in the same transaction). */
function claimedFences(requests: readonly AppendRequest[], fenceKey: (streamId: string) => string): Map<string, FenceRow> {
  return new Map(requests.flatMap((r) => (r.fence ? [[fenceKey(r.streamId), { owner: r.fence.owner, token: r.fence.token }] as const] : [])));
}

/** What the one-round-trip append can run into and then leave to the exact path: a version taken (unique key), a fence not current. */
function isSurprise(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || code === FENCE_REFUSED;
}

/**
 * The event log on PostgreSQL: one `events` table, `UNIQUE (stream_id, version)`, hash-chained.
 * `appendBatch` is one transaction for all requests (group commit); when the connection breaks it
 * retries on a new one, recognising its own events by their hashes if the lost COMMIT had in fact
 * succeeded, so a batch is never half-written and never written twice. The inline projections of
 * the requests that succeed (index rows, snapshots, documents) are written by a few more statements
 * in the same round trip as the insert and the COMMIT.
 */
export function createPostgresEventLog(ctx: PgContext, retry: AppendRetryOptions = {}, inlineWork?: EventLog['inlineWork']): EventLog {
  const st = {
    eventAt: statement(ctx, 'read-event-at', readEventAtSql),
    readStream: statement(ctx, 'read-stream', readStreamSql),
    readAll: statement(ctx, 'read-all', readAllSql),
    head: statement(ctx, 'head-position', headPositionSql),
    version: statement(ctx, 'stream-version', streamVersionSql),
    deleteStreams: statement(ctx, 'delete-streams', deleteStreamsSql),
    tombstone: statement(ctx, 'insert-tombstones', insertTombstonesSql),
    tombstones: statement(ctx, 'list-tombstones', listTombstonesSql),
    deleteLeases: statement(ctx, 'delete-idle-leases', deleteIdleLeasesSql),
  };
  const begin = beginAppendSql(ADVISORY_CLASS, ctx.lockKey, retry.stallTimeoutMs ?? 10_000);
  const attempts = Math.max(1, retry.attempts ?? 4);
  const baseDelay = retry.baseDelayMs ?? 25;

  /**
   * Insert the plan's rows and the inline writes of the requests that succeed, and commit, in one
   * round trip after `prefix` (statements sent first, `prefixResults` results): the outcomes.
   */
  async function write(client: PoolClient, quote: Quote, requests: readonly AppendRequest[], plan: AppendPlan, outcomes: readonly (AppendOutcome | undefined)[], prefix: readonly string[], prefixResults: number): Promise<AppendOutcome[]> {
    const lastPositions = new Map<string, string>();
    const r = plan.rows;
    const { statements: inline, acquires } = inlineStatements(ctx.schema, quote, requests, plan.succeeded);
    const leases = new Map<string, Lease>();
    const takeLeases = (results: readonly QueryResult[], offset: number) => {
      if (acquires === undefined) return;
      for (const row of results[offset + acquires]?.rows ?? []) leases.set(row.key, { key: row.key, owner: '', token: num(row.token), expiresAt: num(row.expires_at) });
    };
    const insert =
      r.streamIds.length > 0
        ? insertEventsSql(ctx.schema, {
            streamIds: textArray(quote, r.streamIds, 'text'),
            versions: intArray(r.versions, 'int'),
            recordedAts: intArray(r.recordedAts, 'bigint'),
            types: textArray(quote, r.types, 'text'),
            events: textArray(quote, r.events, 'json'),
            metas: textArray(quote, r.metas, 'json'),
            hashes: textArray(quote, r.hashes, 'text'),
            signatures: nullableTextArray(quote, r.signatures, 'text'),
          })
        : undefined;
    const sent = [...prefix, ...(insert ? [insert] : []), ...inline, 'COMMIT'];
    const results = ([] as QueryResult[]).concat((await client.query(sent.join(';\n'))) as unknown as QueryResult[]);
    if (insert) for (const row of results[prefixResults]?.rows ?? []) lastPositions.set(`${row.stream_id}\u0000${row.version}`, String(row.position));
    takeLeases(results, prefixResults + (insert ? 1 : 0));
    const leaseOf = (req: AppendRequest) => {
      const w = req.inline?.lease;
      const got = w?.op === 'acquire' ? leases.get(w.key) : undefined;
      return got && w ? { lease: { ...got, owner: w.owner } } : {};
    };
    return requests.map((r, i): AppendOutcome => {
      const o = outcomes[i];
      if (o) return o;
      const nextVersion = r.expectedVersion + r.events.length;
      const lastPosition = numericPosition(lastPositions.get(`${r.streamId}\u0000${nextVersion}`) ?? 0);
      return { ok: true, streamId: r.streamId, nextVersion, lastPosition, lastHash: plan.lastHashes.get(i)!, inlineWritten: true, ...leaseOf(r) };
    });
  }

  async function attempt(
    client: PoolClient,
    requests: readonly AppendRequest[],
    recordedAt: number,
    earlier: Map<number, string> | undefined,
    computed: Map<number, string>,
  ): Promise<AppendOutcome[]> {
    let commitSent = false;
    const quote: Quote = (v) => client.escapeLiteral(v);
    // Every head known without reading it (new streams, leaseholders that know theirs): one round
    // trip, with the fences checked in SQL; any surprise (a version taken, a fence gone) rolls it
    // back and the batch goes the exact way below, which says what happened to each request.
    const knownHeads = earlier === undefined ? headsKnown(requests) : undefined;
    if (knownHeads) {
      const plan = planAppend({ requests, heads: knownHeads, fences: claimedFences(requests, ctx.fenceKey), fenceKey: ctx.fenceKey, recordedAt });
      for (const [i, h] of plan.lastHashes) computed.set(i, h);
      const fenced = requests.filter((r) => r.fence);
      const check = fenced.length
        ? [
            checkFencesSql(ctx.schema, {
              keys: textArray(quote, fenced.map((r) => ctx.fenceKey(r.streamId)), 'text'),
              owners: textArray(quote, fenced.map((r) => r.fence!.owner), 'text'),
              tokens: intArray(fenced.map((r) => r.fence!.token), 'bigint'),
            }),
          ]
        : [];
      try {
        commitSent = true;
        return await write(client, quote, requests, plan, plan.outcomes, [begin, ...check], BEGIN_STATEMENTS + check.length);
      } catch (e) {
        if (isConnectionError(e)) throw new AttemptFailed(e, commitSent);
        await client.query('ROLLBACK').catch(() => {});
        if (!isSurprise(e)) throw new AttemptFailed(e, false);
        commitSent = false;
        computed.clear();
      }
    }
    try {
      // One round trip: begin, take the append lock, then read heads and fences under it.
      const ids = [...new Set(requests.map((r) => r.streamId))];
      const fenceKeys = [...new Set(requests.filter((r) => r.fence).map((r) => ctx.fenceKey(r.streamId)))];
      const reads = [readHeadsSql(ctx.schema, textArray(quote, ids, 'text'))];
      if (fenceKeys.length > 0) reads.push(readFencesSql(ctx.schema, textArray(quote, fenceKeys, 'text')));
      const results = (await client.query([begin, ...reads].join(';\n'))) as unknown as QueryResult[];
      const [headResult, fenceResult] = results.slice(-reads.length);
      const heads = new Map<string, StreamHead>(
        (headResult?.rows ?? []).map((h) => [h.stream_id, { version: h.version, hash: h.hash, position: num(h.position) }]),
      );
      const fences = new Map<string, FenceRow>();
      for (const f of fenceResult?.rows ?? []) fences.set(f.key, { owner: f.owner, token: num(f.token) });
      const plan = planAppend({ requests, heads, fences, fenceKey: ctx.fenceKey, recordedAt, earlier });
      for (const [i, h] of plan.lastHashes) computed.set(i, h);
      const outcomes = plan.outcomes;
      if (plan.maybeLanded.length > 0 && earlier) {
        // An earlier attempt lost its connection around COMMIT: its events are there if the hash
        // at the version it would have reached is the one it computed.
        const probe = plan.maybeLanded.map((i) => requests[i]!);
        const found = await client.query({
          ...st.eventAt,
          values: [probe.map((r) => r.streamId), probe.map((r) => r.expectedVersion + r.events.length)],
        });
        for (const i of plan.maybeLanded) {
          const r = requests[i]!;
          const v = r.expectedVersion + r.events.length;
          const row = found.rows.find((x) => x.stream_id === r.streamId && x.version === v);
          if (row && row.hash === earlier.get(i)) {
            // Its inline writes were in that same committed transaction.
            outcomes[i] = { ok: true, streamId: r.streamId, nextVersion: v, lastPosition: numericPosition(row.position), lastHash: row.hash, inlineWritten: true };
          }
        }
      }
      commitSent = true;
      return await write(client, quote, requests, plan, outcomes, [], 0);
    } catch (e) {
      if (!isConnectionError(e)) await client.query('ROLLBACK').catch(() => {});
      throw new AttemptFailed(e, commitSent);
    }
  }

  return {
    ...(inlineWork ? { inlineWork } : {}),
    async appendBatch(requests) {
      if (requests.length === 0) return [];
      assertJson(requests);
      const recordedAt = Math.floor(ctx.clock());
      let earlier: Map<number, string> | undefined;
      for (let n = 1; ; n++) {
        const computed = new Map<number, string>();
        try {
          return await withClient(ctx, 'appending events', async (client) => {
            try {
              return await attempt(client, requests, recordedAt, earlier, computed);
            } catch (e) {
              if (!(e instanceof AttemptFailed)) throw e;
              if (e.commitSent) earlier = new Map([...(earlier ?? []), ...computed]);
              throw e.error;
            }
          });
        } catch (e) {
          if (n >= attempts || !isConnectionError(e)) throw e;
          await new Promise((resolve) => setTimeout(resolve, baseDelay * 4 ** (n - 1)));
        }
      }
    },

    async read(streamId, fromVersion = 1, toVersion = 2 ** 31 - 1) {
      const rows = await run<EventRow>(ctx, 'reading a stream', st.readStream, [streamId, fromVersion, toVersion]);
      return rows.map(toStored);
    },

    async readAll(after, limit) {
      const rows = await run<EventRow>(ctx, 'reading the log', st.readAll, [positionParam(after), Math.max(0, limit)]);
      return rows.map(toStored);
    },

    async headPosition() {
      const [row] = await run<{ position: string | null }>(ctx, 'reading the log head', st.head, []);
      return row?.position == null ? undefined : numericPosition(row.position);
    },

    async streamVersion(streamId) {
      const rows = await run<{ version: number }>(ctx, 'reading a stream version', st.version, [streamId]);
      return Number(rows[0]?.version ?? 0);
    },

    async deleteStreams(streamIds, by = {}) {
      if (streamIds.length === 0) return 0;
      return inTransaction(ctx, 'purging streams', async (client) => {
        // Under the append lock, so a purge never interleaves with an append to the same stream.
        await client.query(lockAppendsSql(ADVISORY_CLASS, ctx.lockKey));
        // The one privileged path through the append-only trigger, with a tombstone per stream.
        await client.query(openPurgeGateSql);
        await client.query({ ...st.tombstone, values: [[...streamIds], by.actor ?? null, by.reason ?? null, ctx.clock()] });
        const deleted = await client.query({ ...st.deleteStreams, values: [[...streamIds]] });
        await client.query({ ...st.deleteLeases, values: [streamIds.map(ctx.fenceKey), ctx.clock()] });
        return deleted.rowCount ?? 0;
      });
    },

    async importStream(events) {
      const first = events[0];
      if (!first) return;
      await inTransaction(ctx, 'importing a stream', async (client) => {
        await client.query(lockAppendsSql(ADVISORY_CLASS, ctx.lockKey));
        const existing = await client.query({ ...st.version, values: [first.streamId] });
        if (Number(existing.rows[0]?.version ?? 0) > 0) throw new Error(`stream ${first.streamId} exists`);
        const quote = (v: string) => client.escapeLiteral(v);
        await client.query(
          insertEventsSql(ctx.schema, {
            streamIds: textArray(quote, events.map((e) => e.streamId), 'text'),
            versions: intArray(events.map((e) => e.version), 'int'),
            recordedAts: intArray(events.map((e) => e.recordedAt), 'bigint'),
            types: textArray(quote, events.map((e) => e.event.type), 'text'),
            events: textArray(quote, events.map((e) => JSON.stringify(e.event)), 'json'),
            metas: textArray(quote, events.map((e) => JSON.stringify(e.meta)), 'json'),
            hashes: textArray(quote, events.map((e) => e.hash), 'text'),
            signatures: nullableTextArray(quote, events.map((e) => e.signature ?? null), 'text'),
          }),
        );
      });
    },

    async tombstones() {
      const rows = await run<{ stream_id: string; last_version: number; last_hash: string; actor: string | null; reason: string | null; purged_at: string }>(ctx, 'reading tombstones', st.tombstones, []);
      return rows.map((r) => ({ streamId: r.stream_id, lastVersion: r.last_version, lastHash: r.last_hash, ...(r.actor !== null ? { actor: r.actor } : {}), ...(r.reason !== null ? { reason: r.reason } : {}), purgedAt: num(r.purged_at) }));
    },

    async close() {},
  };
}
