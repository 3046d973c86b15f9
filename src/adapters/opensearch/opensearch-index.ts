import type * as OpenSearch from '@opensearch-project/opensearch';
import type { Client, ClientOptions } from '@opensearch-project/opensearch';
import { WfeError } from '../../domain/errors.js';
import type { EventLog } from '../../ports/event-log.js';
import type { InstanceSummary, SearchPage, SearchQuery } from '../../ports/instance-index.js';
import type { Checkpoint } from '../../ports/projection-store.js';
import { parsePosition } from '../../log/position.js';
import type { Projection } from '../../projections/projection.js';
import type { RebuildReport } from '../../projections/rebuild.js';
import { catchUp } from '../../projections/runner.js';
import { pageOf, validateSearchQuery } from '../../projections/search-query.js';
import type { ProjectionSink } from '../../projections/sinks.js';
import { verifyProjection, type VerifyReport } from '../../projections/verify.js';
import { requirePeer } from '../shared/require-peer.js';
import { nodeTarget, withRetry, type OpenSearchRetryOptions } from './opensearch-errors.js';
import { CHECKPOINT_MAPPING, fromSearchDocument, leafTypes, searchMapping, toSearchDocument, type StoredSearchDocument } from './search-mapping.js';
import { toSearchBody } from './search-translation.js';

/** Options of {@link createOpenSearchIndex}. */
export interface OpenSearchIndexOptions {
  /** A client of yours (never closed by the adapter), or give `node`. */
  readonly client?: Client;
  /** `http://host:9200`: the adapter makes a client (closed by `close()`). */
  readonly node?: string;
  /** More options for the client made from `node` (auth, ssl, `Connection`...). */
  readonly clientOptions?: Omit<ClientOptions, 'node' | 'nodes'>;
  /** The alias searched and written through (default `wfe-instances`); physical indexes are `<alias>-000001`, `-000002`... */
  readonly alias?: string;
  /** Data fields kept for `where` filters: pass the same list to the projection (`searchDocumentProjection`). */
  readonly dataFields?: readonly string[];
  /** Refresh after each write: `false` (default; searchable within the index's refresh interval), `true` or `'wait_for'`. */
  readonly refresh?: boolean | 'wait_for';
  /** Settings of new physical indexes (shards, replicas, refresh interval); default: the cluster's. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** While OpenSearch is unreachable: attempts in all (default 5), waits doubling from 100 ms up to 5 s. */
  readonly retry?: OpenSearchRetryOptions;
  /** For tests: how the back-off waits. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The instance search documents in OpenSearch: a projection sink (driven by `catchUp`) with `search`. */
export interface OpenSearchIndex extends ProjectionSink<InstanceSummary | null> {
  readonly alias: string;
  /** The same query, the same answers as the embedded index (src/projections/search-query.ts). */
  search(query: SearchQuery): Promise<SearchPage>;
  /** Write documents with the version guard (an older version never replaces a newer one). */
  upsert(summaries: readonly InstanceSummary[]): Promise<void>;
  /** The physical index the alias points to. */
  currentIndex(): Promise<string>;
  /**
   * Blue-green rebuild: build the projection from the log into a new physical index, then switch
   * the alias to it in one step and delete the old one. Searches and a live runner go on meanwhile.
   */
  rebuild(projection: Projection<InstanceSummary | null>, log: EventLog, now?: () => number): Promise<RebuildReport & { readonly index: string }>;
  /** Rebuild in memory from the log up to the checkpoint and report every document that differs. */
  verify(projection: Projection<InstanceSummary | null>, log: EventLog, now?: () => number): Promise<VerifyReport>;
  close(): Promise<void>;
}

type Request = { method: string; path: string; body?: unknown; bulkBody?: unknown[]; querystring?: Record<string, unknown> };
interface BulkItem {
  readonly status: number;
  readonly _id: string;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

const ALIAS_NAME = /^[a-z0-9][a-z0-9_+-]{0,200}$/;
const enc = encodeURIComponent;

/**
 * Open the search index on OpenSearch: puts the index template (mapping below), creates the first
 * physical index and the alias when missing, and checks an existing index's mapping against wfe's
 * (a field of another type is `INVALID_STATE` naming the field; newly declared data fields are added).
 * An unreachable server is `STORE_UNAVAILABLE` (naming the node, never credentials) after retries.
 */
export async function createOpenSearchIndex(options: OpenSearchIndexOptions): Promise<OpenSearchIndex> {
  const alias = options.alias ?? 'wfe-instances';
  if (!ALIAS_NAME.test(alias)) throw new TypeError(`invalid OpenSearch alias ${JSON.stringify(alias)}: lower-case letters, digits, _ + - (not first)`);
  if (!options.client && !options.node) throw new TypeError('the OpenSearch index needs a client or a node URL');
  const owned = !options.client;
  const client: Client =
    options.client ?? new (requirePeer<typeof OpenSearch>('@opensearch-project/opensearch', 'wfe/opensearch').Client)({ maxRetries: 0, ...options.clientOptions, node: options.node! });
  const target = options.node ? nodeTarget(options.node) : 'the OpenSearch of the given client';
  const dataFields = [...new Set(options.dataFields ?? [])];
  const declared = new Set(dataFields);
  const mapping = searchMapping(dataFields);
  const checkpoints = `${alias}.checkpoints`;
  const refresh = options.refresh ?? false;
  const retry = { ...options.retry, ...(options.sleep ? { sleep: options.sleep } : {}) };

  const call = async (doing: string, req: Request, ignore: number[] = []): Promise<{ body: Record<string, unknown>; statusCode: number }> =>
    withRetry(
      doing,
      target,
      async () => {
        const res = await client.transport.request(req as never, { ignore });
        return { body: (res.body ?? {}) as Record<string, unknown>, statusCode: res.statusCode ?? 0 };
      },
      retry,
    );

  const physical = (n: number) => `${alias}-${String(n).padStart(6, '0')}`;

  async function currentIndex(): Promise<string> {
    const res = await call(`reading the alias ${alias}`, { method: 'GET', path: `/_alias/${enc(alias)}` }, [404]);
    const names = res.statusCode === 404 ? [] : Object.keys(res.body);
    if (names.length !== 1) throw new WfeError('INVALID_STATE', `the OpenSearch alias ${alias} points to ${names.length} indexes (${names.join(', ') || 'none'}); it must point to one`, { alias });
    return names[0]!;
  }

  async function checkMapping(index: string): Promise<void> {
    const res = await call(`reading the mapping of ${index}`, { method: 'GET', path: `/${enc(index)}/_mapping` });
    const stored = ((res.body[index] as { mappings?: { properties?: Record<string, unknown> } } | undefined)?.mappings?.properties ?? {}) as Record<string, unknown>;
    const have = leafTypes(stored);
    let missing = false;
    for (const [field, type] of leafTypes(mapping.properties)) {
      const actual = have.get(field);
      if (actual === undefined) missing = true;
      else if (actual !== type) {
        throw new WfeError('INVALID_STATE', `the OpenSearch index ${index} maps the field ${field} as ${actual}, wfe needs ${type}: rebuild the index (a new index under the alias) or use another alias`, {
          index,
          field,
          expected: type,
          actual,
        });
      }
    }
    if (missing) await call(`adding fields to the mapping of ${index}`, { method: 'PUT', path: `/${enc(index)}/_mapping`, body: { properties: mapping.properties } });
  }

  async function createPhysical(n: number, withAlias: boolean): Promise<string> {
    const name = physical(n);
    await call(`creating the index ${name}`, { method: 'PUT', path: `/${enc(name)}`, body: withAlias ? { aliases: { [alias]: { is_write_index: true } } } : {} });
    return name;
  }

  // Start: the template, the checkpoint index, the first index and the alias.
  await call(`putting the index template ${alias}`, {
    method: 'PUT',
    path: `/_index_template/${enc(alias)}`,
    body: { index_patterns: [`${alias}-*`], priority: 100, template: { ...(options.settings ? { settings: options.settings } : {}), mappings: mapping } },
  });
  const cpExists = await call(`reading the index ${checkpoints}`, { method: 'HEAD', path: `/${enc(checkpoints)}` }, [404]);
  if (cpExists.statusCode === 404) {
    await call(`creating the index ${checkpoints}`, { method: 'PUT', path: `/${enc(checkpoints)}`, body: { mappings: CHECKPOINT_MAPPING } }, [400]);
  }
  const aliasExists = await call(`reading the alias ${alias}`, { method: 'HEAD', path: `/_alias/${enc(alias)}` }, [404]);
  if (aliasExists.statusCode === 404) await createPhysical(1, true);
  else await checkMapping(await currentIndex());

  /** Bulk-write documents to `index` with external_gte versions; a refused document is reported, an older version skipped. */
  async function write(index: string, writes: readonly { readonly key: string; readonly doc: InstanceSummary | null }[]): Promise<void> {
    if (writes.length === 0) return;
    const body: unknown[] = [];
    for (const w of writes) {
      if (w.doc === null) body.push({ delete: { _index: index, _id: w.key } });
      else body.push({ index: { _index: index, _id: w.key, version: w.doc.version, version_type: 'external_gte' } }, toSearchDocument(w.doc, declared));
    }
    const res = await call(`writing ${writes.length} search documents to ${index}`, { method: 'POST', path: '/_bulk', bulkBody: body, querystring: { refresh: String(refresh) } });
    if (!res.body.errors) return;
    const items = (res.body.items as Record<string, BulkItem>[]).map((i) => Object.values(i)[0]!);
    items.forEach((item, i) => {
      const w = writes[i]!;
      if (!item.error) return;
      if (item.status === 409 && item.error.type === 'version_conflict_engine_exception') return; // a newer version is stored
      if (item.status === 404 && w.doc === null) return;
      const version = w.doc?.version;
      throw new WfeError(
        'PROJECTION_FAILED',
        `OpenSearch refused the search document of instance ${w.key}${version !== undefined ? ` at version ${version}` : ''} in ${index}: ${item.error.type ?? 'error'}: ${item.error.reason ?? ''} (nothing after the last checkpoint is lost: the page is written again on the next run)`,
        { instanceId: w.key, version, index, type: item.error.type, reason: item.error.reason },
      );
    });
  }

  async function loadCheckpoint(index: string): Promise<Checkpoint | undefined> {
    const res = await call(`reading the checkpoint of ${index}`, { method: 'GET', path: `/${enc(checkpoints)}/_doc/${enc(index)}` }, [404]);
    if (res.statusCode === 404 || !res.body.found) return undefined;
    const s = res.body._source as { projection: string; projectionVersion: number; position?: string; updatedAt: number };
    return { projection: s.projection, projectionVersion: s.projectionVersion, ...(s.position !== undefined ? { position: parsePosition(s.position) } : {}), updatedAt: s.updatedAt };
  }

  async function saveCheckpoint(index: string, cp: Checkpoint): Promise<void> {
    await call(`saving the checkpoint of ${index}`, {
      method: 'PUT',
      path: `/${enc(checkpoints)}/_doc/${enc(index)}`,
      body: { projection: cp.projection, projectionVersion: cp.projectionVersion, ...(cp.position !== undefined ? { position: cp.position } : {}), updatedAt: cp.updatedAt },
      querystring: { refresh: String(refresh) },
    });
  }

  async function getDocs(index: string, keys: readonly string[]): Promise<Map<string, InstanceSummary>> {
    const out = new Map<string, InstanceSummary>();
    if (keys.length === 0) return out;
    const res = await call(`reading ${keys.length} search documents`, { method: 'POST', path: `/${enc(index)}/_mget`, body: { ids: [...keys] } });
    for (const d of res.body.docs as { _id: string; found?: boolean; _source?: StoredSearchDocument }[]) {
      if (d.found && d._source) out.set(d._id, fromSearchDocument(d._source));
    }
    return out;
  }

  async function listDocs(index: string, after: string | undefined, limit: number): Promise<{ key: string; doc: InstanceSummary }[]> {
    const res = await call(`listing search documents of ${index}`, {
      method: 'POST',
      path: `/${enc(index)}/_search`,
      body: { query: after === undefined ? { match_all: {} } : { range: { instanceId: { gt: after } } }, sort: [{ instanceId: { order: 'asc' } }], size: limit, track_total_hits: false },
    });
    return hitsOf(res.body).map((doc) => ({ key: doc.instanceId, doc }));
  }

  async function clearDocs(index: string): Promise<void> {
    await call(`emptying ${index}`, { method: 'POST', path: `/${enc(index)}/_delete_by_query`, body: { query: { match_all: {} } }, querystring: { refresh: 'true', conflicts: 'proceed' } });
    await call(`removing the checkpoint of ${index}`, { method: 'DELETE', path: `/${enc(checkpoints)}/_doc/${enc(index)}`, querystring: { refresh: String(refresh) } }, [404]);
  }

  /** A sink writing to one physical index (rebuilds) or through the alias (the live one). */
  const sinkOn = (index: () => Promise<string>, name: string): ProjectionSink<InstanceSummary | null> => ({
    name,
    get: async (keys) => getDocs(await index(), keys),
    async commit(writes, checkpoint) {
      const i = await index();
      // Documents first, then the checkpoint: a crash in between writes the page again, which the version guard makes harmless.
      await write(i, writes);
      await saveCheckpoint(i, { ...checkpoint, projection: name });
    },
    loadCheckpoint: async () => loadCheckpoint(await index()),
    list: async (after, limit) => listDocs(await index(), after, limit),
    clear: async () => clearDocs(await index()),
  });

  const live = sinkOn(currentIndex, 'search');

  return {
    ...live,
    alias,
    currentIndex,
    async upsert(summaries) {
      await write(await currentIndex(), summaries.map((doc) => ({ key: doc.instanceId, doc })));
    },
    async search(query) {
      const v = validateSearchQuery(query);
      const body = toSearchBody(v, declared);
      const res = await call('searching', { method: 'POST', path: `/${enc(alias)}/_search`, body });
      return pageOf(hitsOf(res.body), v);
    },
    async rebuild(projection, log, now = Date.now) {
      const old = await currentIndex();
      const n = Number(/-(\d+)$/.exec(old)?.[1] ?? 0) + 1;
      const next = await createPhysical(n, false);
      const result = await catchUp({ projection, sink: sinkOn(async () => next, projection.name), log, now });
      await call(`switching the alias ${alias} to ${next}`, {
        method: 'POST',
        path: '/_aliases',
        body: { actions: [{ remove: { index: old, alias } }, { add: { index: next, alias, is_write_index: true } }] },
      });
      await call(`deleting the old index ${old}`, { method: 'DELETE', path: `/${enc(old)}` }, [404]);
      await call(`removing the checkpoint of ${old}`, { method: 'DELETE', path: `/${enc(checkpoints)}/_doc/${enc(old)}` }, [404]);
      return { projection: projection.name, events: result.events, index: next };
    },
    async verify(projection, log, now = Date.now) {
      const { expected: _expected, ...report } = await verifyProjection(projection, live, log, now);
      return report;
    },
    async close() {
      if (owned) await client.close();
    },
  };
}

function hitsOf(body: Record<string, unknown>): InstanceSummary[] {
  const hits = (body.hits as { hits?: { _source: StoredSearchDocument }[] } | undefined)?.hits ?? [];
  return hits.map((h) => fromSearchDocument(h._source));
}
