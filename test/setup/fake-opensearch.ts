/**
 * An in-process stand-in for the parts of OpenSearch 2 that `wfe/opensearch` uses, plugged into the
 * official client through its own transport hook (`new Client({ Connection })`): index templates,
 * indexes with strict mappings, aliases, `_bulk` with external versions, `_doc`, `_mget`,
 * `_delete_by_query`, `_aliases`, and `_search` with the query DSL subset the adapter emits (bool,
 * term, terms, range, exists, prefix, match_all; sort with `missing: _last`). Keyword ranges and
 * sorts compare by code point, as OpenSearch's byte order of UTF-8 does. Every request is recorded,
 * and `intercept` lets a test answer one itself (an outage, a refusal). The real server is tested by
 * the conformance run when OPENSEARCH_URL is set.
 */
import { Readable } from 'node:stream';
import { Connection, errors } from '@opensearch-project/opensearch';
import { leafTypes } from '../../src/adapters/opensearch/search-mapping.js';
import { compareText } from '../../src/projections/search-query.js';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** Parsed JSON body, or the parsed lines of an NDJSON body. */
  readonly body: unknown;
}
export type FakeAnswer = { status: number; body?: unknown } | 'unreachable';

interface Doc {
  source: Record<string, unknown>;
  version: number;
}
interface Index {
  properties: Record<string, unknown>;
  dynamic?: string;
  docs: Map<string, Doc>;
}

export interface FakeOpenSearch {
  /** Pass as `clientOptions: { Connection }` (with any `node`). */
  readonly Connection: typeof Connection;
  readonly requests: FakeRequest[];
  readonly indices: Map<string, Index>;
  readonly aliases: Map<string, Set<string>>;
  intercept?: (req: FakeRequest) => FakeAnswer | undefined;
}

const err = (status: number, type: string, reason: string) => ({ status, body: { error: { type, reason, root_cause: [{ type, reason }] }, status } });

function values(doc: unknown, path: string): unknown[] {
  let cur: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c === null || typeof c !== 'object') continue;
      const v = (c as Record<string, unknown>)[part];
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined && v !== null) next.push(v);
    }
    cur = next;
  }
  return cur.filter((v) => v !== null && v !== undefined);
}

const compare = (a: unknown, b: unknown): number =>
  typeof a === 'number' && typeof b === 'number' ? a - b : compareText(String(a), String(b));

function matches(doc: Record<string, unknown>, q: Record<string, unknown>): boolean {
  const [kind, arg] = Object.entries(q)[0]!;
  const a = arg as Record<string, unknown>;
  switch (kind) {
    case 'match_all':
      return true;
    case 'bool': {
      const list = (k: string) => (a[k] ?? []) as Record<string, unknown>[];
      if (![...list('filter'), ...list('must')].every((c) => matches(doc, c))) return false;
      if (list('must_not').some((c) => matches(doc, c))) return false;
      const should = list('should');
      return should.length === 0 || should.filter((c) => matches(doc, c)).length >= Number(a.minimum_should_match ?? 1);
    }
    case 'term': {
      const [f, v] = Object.entries(a)[0]!;
      return values(doc, f).some((x) => x === v);
    }
    case 'terms': {
      const [f, vs] = Object.entries(a)[0]!;
      return values(doc, f).some((x) => (vs as unknown[]).includes(x));
    }
    case 'prefix': {
      const [f, p] = Object.entries(a)[0]!;
      return values(doc, f).some((x) => typeof x === 'string' && x.startsWith(p as string));
    }
    case 'exists':
      return values(doc, a.field as string).length > 0;
    case 'range': {
      const [f, bounds] = Object.entries(a)[0]!;
      const b = bounds as Record<string, unknown>;
      return values(doc, f).some(
        (x) =>
          (b.gt === undefined || compare(x, b.gt) > 0) &&
          (b.gte === undefined || compare(x, b.gte) >= 0) &&
          (b.lt === undefined || compare(x, b.lt) < 0) &&
          (b.lte === undefined || compare(x, b.lte) <= 0),
      );
    }
    default:
      throw new Error(`the fake OpenSearch does not know the query ${kind}`);
  }
}

/** Why a document does not fit a strict mapping, or undefined. */
function mappingProblem(source: unknown, properties: Record<string, unknown>, at = ''): { type: string; reason: string } | undefined {
  if (source === null || typeof source !== 'object') return undefined;
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    const def = properties[k] as { type?: string; properties?: Record<string, unknown> } | undefined;
    const path = at ? `${at}.${k}` : k;
    if (!def) return { type: 'strict_dynamic_mapping_exception', reason: `mapping set to strict, dynamic introduction of [${k}] within [${at || '_doc'}] is not allowed` };
    if (def.properties) {
      for (const item of Array.isArray(v) ? v : [v]) {
        const p = mappingProblem(item, def.properties, path);
        if (p) return p;
      }
      continue;
    }
    for (const item of Array.isArray(v) ? v : [v]) {
      const want = def.type === 'keyword' || def.type === 'text' ? 'string' : def.type === 'boolean' ? 'boolean' : 'number';
      if (item !== null && typeof item !== want) return { type: 'mapper_parsing_exception', reason: `failed to parse field [${path}] of type [${def.type}]` };
    }
  }
  return undefined;
}

function mergeProperties(into: Record<string, unknown>, add: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(add)) {
    const have = into[k] as { properties?: Record<string, unknown> } | undefined;
    const next = v as { properties?: Record<string, unknown> };
    if (have?.properties && next.properties) mergeProperties(have.properties, next.properties);
    else if (!have) into[k] = structuredClone(v);
  }
}

/** A fresh, empty fake cluster. */
export function fakeOpenSearch(): FakeOpenSearch {
  const indices = new Map<string, Index>();
  const aliases = new Map<string, Set<string>>();
  const templates = new Map<string, { patterns: string[]; mappings?: { properties: Record<string, unknown>; dynamic?: string } }>();
  const requests: FakeRequest[] = [];

  const resolve = (name: string): string[] => (aliases.has(name) ? [...aliases.get(name)!] : indices.has(name) ? [name] : []);
  const writeIndex = (name: string): Index | undefined => {
    const names = resolve(name);
    return names.length === 1 ? indices.get(names[0]!) : undefined;
  };
  const notFound = (name: string) => err(404, 'index_not_found_exception', `no such index [${name}]`);

  function put(index: Index, id: string, source: Record<string, unknown>, version?: number, type?: string): { status: number; error?: { type: string; reason: string } } {
    const problem = index.dynamic === 'strict' ? mappingProblem(source, index.properties) : undefined;
    if (problem) return { status: 400, error: problem };
    const have = index.docs.get(id);
    if (type === 'external_gte' && have && version! < have.version) {
      return { status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, current version [${have.version}] is higher than the one provided [${version}]` } };
    }
    index.docs.set(id, { source: structuredClone(source), version: version ?? (have?.version ?? 0) + 1 });
    return { status: have ? 200 : 201 };
  }

  function answer(req: FakeRequest): { status: number; body?: unknown } {
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [first, second, third] = parts;
    const body = req.body as Record<string, unknown>;
    if (first === '_index_template' && req.method === 'PUT') {
      const t = body.template as { mappings?: { properties: Record<string, unknown>; dynamic?: string } };
      templates.set(second!, { patterns: body.index_patterns as string[], ...(t.mappings ? { mappings: t.mappings } : {}) });
      return { status: 200, body: { acknowledged: true } };
    }
    if (first === '_alias') {
      const targets = aliases.get(second!);
      if (!targets || targets.size === 0) return req.method === 'HEAD' ? { status: 404 } : err(404, 'aliases_not_found_exception', `alias [${second}] missing`);
      return { status: 200, body: Object.fromEntries([...targets].map((i) => [i, { aliases: { [second!]: {} } }])) };
    }
    if (first === '_aliases') {
      for (const action of body.actions as Record<string, { index: string; alias: string }>[]) {
        const [kind, a] = Object.entries(action)[0]!;
        const set = aliases.get(a.alias) ?? new Set<string>();
        if (kind === 'add') set.add(a.index);
        else set.delete(a.index);
        aliases.set(a.alias, set);
      }
      return { status: 200, body: { acknowledged: true } };
    }
    if (first === '_bulk') {
      const lines = req.body as Record<string, unknown>[];
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < lines.length; i++) {
        const [action, meta] = Object.entries(lines[i]!)[0]! as [string, { _index: string; _id: string; version?: number; version_type?: string }];
        const index = writeIndex(meta._index);
        let result: { status: number; error?: { type: string; reason: string } };
        if (action === 'delete') {
          result = index?.docs.delete(meta._id) ? { status: 200 } : { status: 404, error: { type: 'not_found', reason: 'not found' } };
        } else {
          const source = lines[++i] as Record<string, unknown>;
          result = index ? put(index, meta._id, source, meta.version, meta.version_type) : { status: 404, error: notFound(meta._index).body.error };
        }
        items.push({ [action]: { _index: meta._index, _id: meta._id, status: result.status, ...(result.error ? { error: result.error } : {}) } });
      }
      return { status: 200, body: { took: 1, errors: items.some((i) => (Object.values(i)[0] as { error?: unknown }).error !== undefined), items } };
    }
    const names = resolve(first!);
    if (!second) {
      if (req.method === 'HEAD') return { status: names.length ? 200 : 404 };
      if (req.method === 'DELETE') {
        if (!indices.has(first!)) return notFound(first!);
        indices.delete(first!);
        for (const set of aliases.values()) set.delete(first!);
        return { status: 200, body: { acknowledged: true } };
      }
      if (req.method === 'PUT') {
        if (indices.has(first!)) return err(400, 'resource_already_exists_exception', `index [${first}] already exists`);
        const template = [...templates.values()].find((t) => t.patterns.some((p) => new RegExp(`^${p.replace(/\*/g, '.*')}$`).test(first!)));
        const mappings = (body?.mappings as { properties: Record<string, unknown>; dynamic?: string } | undefined) ?? template?.mappings;
        indices.set(first!, { properties: structuredClone(mappings?.properties ?? {}), ...(mappings?.dynamic ? { dynamic: mappings.dynamic } : {}), docs: new Map() });
        for (const alias of Object.keys((body?.aliases as object | undefined) ?? {})) aliases.set(alias, new Set([...(aliases.get(alias) ?? []), first!]));
        return { status: 200, body: { acknowledged: true, index: first } };
      }
    }
    if (names.length === 0) return notFound(first!);
    const index = indices.get(names[0]!)!;
    switch (second) {
      case '_mapping': {
        if (req.method === 'GET') return { status: 200, body: Object.fromEntries(names.map((n) => [n, { mappings: { dynamic: indices.get(n)!.dynamic, properties: indices.get(n)!.properties } }])) };
        const have = leafTypes(index.properties);
        for (const [field, type] of leafTypes(body.properties as Record<string, unknown>)) {
          const old = have.get(field);
          if (old !== undefined && old !== type) return err(400, 'illegal_argument_exception', `mapper [${field}] cannot be changed from type [${old}] to [${type}]`);
        }
        mergeProperties(index.properties, body.properties as Record<string, unknown>);
        return { status: 200, body: { acknowledged: true } };
      }
      case '_doc': {
        const doc = index.docs.get(third!);
        if (req.method === 'GET') return doc ? { status: 200, body: { _id: third, found: true, _version: doc.version, _source: doc.source } } : { status: 404, body: { _id: third, found: false } };
        if (req.method === 'DELETE') return index.docs.delete(third!) ? { status: 200, body: { result: 'deleted' } } : { status: 404, body: { result: 'not_found' } };
        const r = put(index, third!, body);
        return r.error ? err(r.status, r.error.type, r.error.reason) : { status: r.status, body: { _id: third, result: r.status === 201 ? 'created' : 'updated' } };
      }
      case '_mget':
        return { status: 200, body: { docs: (body.ids as string[]).map((id) => (index.docs.has(id) ? { _id: id, found: true, _source: index.docs.get(id)!.source } : { _id: id, found: false })) } };
      case '_delete_by_query': {
        let deleted = 0;
        for (const [id, d] of index.docs) {
          if (!matches(d.source, body.query as Record<string, unknown>)) continue;
          index.docs.delete(id);
          deleted++;
        }
        return { status: 200, body: { deleted } };
      }
      case '_search': {
        const hits = [...index.docs].filter(([, d]) => matches(d.source, body.query as Record<string, unknown>));
        const sort = (body.sort ?? []) as Record<string, { order: 'asc' | 'desc' }>[];
        hits.sort(([, x], [, y]) => {
          for (const s of sort) {
            const [field, { order }] = Object.entries(s)[0]!;
            const a = values(x.source, field)[0];
            const b = values(y.source, field)[0];
            if (a === undefined || b === undefined) {
              if (a === b) continue;
              return a === undefined ? 1 : -1; // missing: _last in both directions
            }
            const c = compare(a, b);
            if (c !== 0) return order === 'asc' ? c : -c;
          }
          return 0;
        });
        return { status: 200, body: { hits: { hits: hits.slice(0, Number(body.size ?? 10)).map(([id, d]) => ({ _id: id, _source: d.source })) } } };
      }
      default:
        throw new Error(`the fake OpenSearch does not know ${req.method} ${req.path}`);
    }
  }

  const fake: FakeOpenSearch = {
    requests,
    indices,
    aliases,
    Connection: class FakeConnection extends Connection {
      override request(options: Parameters<Connection['request']>[0], callback: (e: Error | null, r: never) => void): never {
        const params = options as { method: string; path: string; body?: unknown; querystring?: string };
        const raw = typeof params.body === 'string' ? params.body : params.body ? String(params.body) : '';
        const parsed = raw.includes('\n') && params.path === '/_bulk' ? raw.trim().split('\n').map((l) => JSON.parse(l) as unknown) : raw ? (JSON.parse(raw) as unknown) : undefined;
        const req: FakeRequest = { method: params.method, path: params.path, query: Object.fromEntries(new URLSearchParams(params.querystring ?? '')), body: parsed };
        requests.push(req);
        const given = fake.intercept?.(req);
        setImmediate(() => {
          if (given === 'unreachable') return callback(new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200', undefined as never), null as never);
          const res = given ?? answer(req);
          const text = res.body === undefined || req.method === 'HEAD' ? '' : JSON.stringify(res.body);
          const stream = Readable.from(text ? [Buffer.from(text)] : []) as Readable & { statusCode: number; headers: Record<string, string> };
          stream.statusCode = res.status;
          stream.headers = { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)) };
          callback(null, stream as never);
        });
        return { abort() {} } as never;
      }
    } as unknown as typeof Connection,
  };
  return fake;
}
