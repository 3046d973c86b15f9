import { describe, expect, it } from 'vitest';
import { fakeOpenSearch, type FakeOpenSearch } from '../../../test/setup/fake-opensearch.js';
import { isWfeError, type WfeError } from '../../domain/errors.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { EventLog } from '../../ports/event-log.js';
import { catchUp } from '../../projections/runner.js';
import { searchDocumentProjection } from '../../projections/search-document.js';
import { validateSearchQuery } from '../../projections/search-query.js';
import { instanceSearchConformance } from '../../testing/conformance/instance-search-conformance.js';
import { summary } from '../../testing/conformance/fixtures.js';
import { createMemoryEventLog } from '../memory/memory-event-log.js';
import { createOpenSearchIndex, type OpenSearchIndex, type OpenSearchIndexOptions } from './opensearch-index.js';
import { dataKey, dataPath, fromSearchDocument, searchMapping, toSearchDocument } from './search-mapping.js';
import { toSearchBody } from './search-translation.js';

const T0 = 1_704_067_200_000;
const FIELDS = ['total', 'tier', 'customer.vip', 'note', 'v', 'missing'];

async function open(fake: FakeOpenSearch, extra: Partial<OpenSearchIndexOptions> = {}): Promise<OpenSearchIndex> {
  return createOpenSearchIndex({ node: 'http://localhost:9200', clientOptions: { Connection: fake.Connection }, dataFields: FIELDS, refresh: true, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<WfeError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as WfeError,
  );
}

const startedEvent = (id: string, data: Record<string, unknown>): WorkflowEvent =>
  ({ type: 'WorkflowStarted', v: 1, at: T0, instanceId: id, definitionId: 'order', definitionVersion: 1, data, reference: `ref ${id}` }) as WorkflowEvent;
const completed: WorkflowEvent = { type: 'WorkflowCompleted', v: 1, at: T0 + 5 };

function logWith(clock = () => T0): EventLog {
  return createMemoryEventLog({ clock });
}

describe('wfe/opensearch: mapping and documents', () => {
  it('maps ids and names as keywords, times as dates, numbers as numbers, text as text, declared data fields typed, strict for the rest', () => {
    const m = searchMapping(['total', 'customer.vip']);
    expect(m.dynamic).toBe('strict');
    expect(m.properties).toMatchObject({
      instanceId: { type: 'keyword' },
      status: { type: 'keyword' },
      createdAt: { type: 'date', format: 'epoch_millis' },
      completedAt: { type: 'date', format: 'epoch_millis' },
      definitionVersion: { type: 'integer' },
      version: { type: 'long' },
      text: { type: 'text' },
      tokens: { type: 'keyword' },
      waiting: { properties: { eventName: { type: 'keyword' } } },
      data: { properties: { total: { properties: { n: { type: 'double' }, s: { type: 'keyword' }, b: { type: 'boolean' } } }, 'customer%2Evip': expect.any(Object) } },
    });
  });

  it('escapes data paths to property names and back', () => {
    for (const path of ['a', 'customer.vip', 'odd%2Ename', 'x.y.z', 'ü.1']) {
      expect(dataKey(path)).not.toContain('.');
      expect(dataPath(dataKey(path))).toBe(path);
    }
  });

  it('stores a summary with typed data fields and wfe tokens, and reads the same summary back (undeclared fields left out)', () => {
    const s = summary('i1', 'complete', T0, { completedAt: T0 + 9, text: 'Order ÜBER-7', fields: { total: 7, tier: 'gold', 'customer.vip': true, note: null, extra: 'x' } });
    const doc = toSearchDocument(s, new Set(FIELDS));
    expect(doc.tokens).toEqual(['order', 'über', '7']);
    expect(doc.data).toEqual({ total: { n: 7 }, tier: { s: 'gold' }, 'customer%2Evip': { b: true }, note: { z: true } });
    const { extra: _extra, ...declaredFields } = s.fields;
    expect(fromSearchDocument(JSON.parse(JSON.stringify(doc)))).toEqual({ ...s, fields: declaredFields });
  });
});

describe('wfe/opensearch: query translation', () => {
  const declared = new Set(FIELDS);
  it('translates every criterion to a filter, text to tokens, the sort with ties by id and one more item than the page', () => {
    const v = validateSearchQuery({
      text: 'acme ord*',
      status: ['failed', 'complete'],
      definitionId: 'order',
      createdFrom: T0,
      createdTo: T0 + 10,
      waitingFor: 'paid',
      where: [{ field: 'total', op: 'gt', value: 6 }, { field: 'tier', op: 'ne', value: 'gold' }, { field: 'note', op: 'eq', value: null }],
      sort: { by: 'completedAt', order: 'asc' },
      limit: 7,
    });
    const body = toSearchBody(v, declared);
    expect(body.size).toBe(8);
    expect(body.sort).toEqual([{ completedAt: { order: 'asc', missing: '_last' } }, { instanceId: { order: 'asc' } }]);
    expect(body.query).toEqual({
      bool: {
        filter: [
          { terms: { status: ['failed', 'complete'] } },
          { term: { definitionId: 'order' } },
          { range: { createdAt: { gte: T0, lt: T0 + 10 } } },
          { term: { 'waiting.eventName': 'paid' } },
          { range: { 'data.total.n': { gt: 6 } } },
          { bool: { must_not: [{ term: { 'data.tier.s': 'gold' } }] } },
          { bool: { must_not: [{ exists: { field: 'data.note.n' } }, { exists: { field: 'data.note.s' } }, { exists: { field: 'data.note.b' } }] } },
          { term: { tokens: 'acme' } },
          { prefix: { tokens: 'ord' } },
        ],
      },
    });
  });

  it('matches everything without criteria', () => {
    expect(toSearchBody(validateSearchQuery({}), declared).query).toEqual({ match_all: {} });
  });

  it('refuses a where on a field the index does not declare, naming it', () => {
    const e = (() => {
      try {
        toSearchBody(validateSearchQuery({ where: [{ field: 'secret', op: 'eq', value: 1 }] }), declared);
      } catch (x) {
        return x as WfeError;
      }
      throw new Error('expected a throw');
    })();
    expect(isWfeError(e, 'INVALID_QUERY')).toBe(true);
    expect(e.message).toContain('where[0].field "secret" is not a data field');
  });
});

// The same answers as the reference search on the same data, through the real client and the fake cluster.
instanceSearchConformance('opensearch (client + fake transport)', async () => {
  const fake = fakeOpenSearch();
  const index = await open(fake);
  return { port: index, cleanup: () => index.close() };
});

describe('wfe/opensearch: the sink', () => {
  it('creates the template, the checkpoint index, the first index and its alias on start', async () => {
    const fake = fakeOpenSearch();
    const index = await open(fake, { alias: 'orders' });
    const template = fake.requests.find((r) => r.path === '/_index_template/orders')!;
    expect(template.body).toMatchObject({ index_patterns: ['orders-*'], template: { mappings: { dynamic: 'strict' } } });
    expect([...fake.indices.keys()].sort()).toEqual(['orders-000001', 'orders.checkpoints']);
    expect([...fake.aliases.get('orders')!]).toEqual(['orders-000001']);
    expect(fake.indices.get('orders-000001')!.dynamic).toBe('strict');
    expect(await index.currentIndex()).toBe('orders-000001');
    // Starting again over the same cluster keeps the index.
    await open(fake, { alias: 'orders' });
    expect([...fake.indices.keys()].sort()).toEqual(['orders-000001', 'orders.checkpoints']);
  });

  it('writes bulk upserts with external versions: an older version never replaces a newer one, an equal one does', async () => {
    const fake = fakeOpenSearch();
    const index = await open(fake);
    await index.upsert([summary('a', 'runnable', T0, { version: 5, text: 'five' })]);
    const bulk = fake.requests.filter((r) => r.path === '/_bulk').at(-1)!;
    expect(bulk.body).toEqual([{ index: { _index: 'wfe-instances-000001', _id: 'a', version: 5, version_type: 'external_gte' } }, expect.objectContaining({ instanceId: 'a', version: 5 })]);
    expect(bulk.query.refresh).toBe('true');
    await index.upsert([summary('a', 'complete', T0, { version: 3, text: 'three' })]);
    expect((await index.get(['a'])).get('a')).toMatchObject({ version: 5, text: 'five' });
    await index.upsert([summary('a', 'complete', T0, { version: 5, text: 'again' })]);
    expect((await index.get(['a'])).get('a')).toMatchObject({ version: 5, text: 'again' });
  });

  it('is driven by catchUp from its checkpoint (stored beside the documents), and verifies against the log', async () => {
    const fake = fakeOpenSearch();
    const index = await open(fake);
    const log = logWith();
    const projection = searchDocumentProjection(() => undefined, { dataFields: FIELDS });
    await log.appendBatch([{ streamId: 'o1', expectedVersion: 0, events: [startedEvent('o1', { total: 3, tier: 'gold' })] }]);
    await log.appendBatch([{ streamId: 'o2', expectedVersion: 0, events: [startedEvent('o2', { total: 9 })] }]);
    expect(await catchUp({ projection, sink: index, log, now: () => T0 })).toMatchObject({ events: 2 });
    const cp = await index.loadCheckpoint();
    expect(cp).toMatchObject({ projection: 'search', projectionVersion: 1, position: await log.headPosition() });
    expect(fake.indices.get('wfe-instances.checkpoints')!.docs.has('wfe-instances-000001')).toBe(true);
    await log.appendBatch([{ streamId: 'o1', expectedVersion: 1, events: [completed] }]);
    expect(await catchUp({ projection, sink: index, log, now: () => T0 })).toMatchObject({ events: 1 });
    const found = await index.search({ status: 'complete', where: [{ field: 'tier', op: 'eq', value: 'gold' }] });
    expect(found.items.map((s) => s.instanceId)).toEqual(['o1']);
    expect((await index.verify(projection, log)).drifted).toEqual([]);
    // A document edited behind wfe's back is found.
    fake.indices.get('wfe-instances-000001')!.docs.get('o2')!.source.status = 'failed';
    expect((await index.verify(projection, log)).drifted).toEqual([expect.objectContaining({ key: 'o2', kind: 'different' })]);
  });

  it('rebuilds blue-green: a new index from the log, the alias switched, the old index and checkpoint gone', async () => {
    const fake = fakeOpenSearch();
    const index = await open(fake);
    const log = logWith();
    const projection = searchDocumentProjection(() => undefined, { dataFields: FIELDS });
    await log.appendBatch([{ streamId: 'o1', expectedVersion: 0, events: [startedEvent('o1', { total: 1 })] }]);
    await catchUp({ projection, sink: index, log, now: () => T0 });
    fake.indices.get('wfe-instances-000001')!.docs.delete('o1');
    const report = await index.rebuild(projection, log, () => T0);
    expect(report).toEqual({ projection: 'search', events: 1, index: 'wfe-instances-000002' });
    expect([...fake.aliases.get('wfe-instances')!]).toEqual(['wfe-instances-000002']);
    expect(fake.indices.has('wfe-instances-000001')).toBe(false);
    expect([...fake.indices.get('wfe-instances.checkpoints')!.docs.keys()]).toEqual(['wfe-instances-000002']);
    expect((await index.search({})).items.map((s) => s.instanceId)).toEqual(['o1']);
    expect(await index.loadCheckpoint()).toMatchObject({ position: await log.headPosition() });
  });
});

describe('wfe/opensearch: failures', () => {
  it('retries an unreachable server with back-off, then says STORE_UNAVAILABLE naming the node without credentials', async () => {
    const fake = fakeOpenSearch();
    fake.intercept = () => 'unreachable';
    const waits: number[] = [];
    const e = await rejection(open(fake, { node: 'http://admin:s3cret@search.internal:9200', sleep: async (ms) => void waits.push(ms) }));
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toContain('OpenSearch at http://search.internal:9200 is unavailable while putting the index template');
    expect(e.message).not.toContain('s3cret');
    expect(e.message).not.toContain('admin');
    expect(waits).toEqual([100, 200, 400, 800]);
    expect(fake.requests).toHaveLength(5);
  });

  it('goes on once the server answers again within the retries, and a runner resumes from its checkpoint', async () => {
    const fake = fakeOpenSearch();
    const index = await open(fake, { sleep: async () => {} });
    const log = logWith();
    const projection = searchDocumentProjection(() => undefined, { dataFields: FIELDS });
    await log.appendBatch([{ streamId: 'o1', expectedVersion: 0, events: [startedEvent('o1', {})] }]);
    await catchUp({ projection, sink: index, log, now: () => T0 });
    await log.appendBatch([{ streamId: 'o2', expectedVersion: 0, events: [startedEvent('o2', {})] }]);
    let outage = 7; // longer than one operation's retries: the first catch-up fails, the next one resumes
    fake.intercept = () => (outage-- > 0 ? 'unreachable' : undefined);
    expect(isWfeError(await rejection(catchUp({ projection, sink: index, log, now: () => T0 })), 'STORE_UNAVAILABLE')).toBe(true);
    expect(await catchUp({ projection, sink: index, log, now: () => T0 })).toMatchObject({ events: 1 });
    expect((await index.search({ sort: { by: 'createdAt', order: 'asc' } })).items.map((s) => s.instanceId)).toEqual(['o1', 'o2']);
  });

  it('refuses an index whose mapping conflicts with wfe\'s, naming the field', async () => {
    const fake = fakeOpenSearch();
    await open(fake);
    (fake.indices.get('wfe-instances-000001')!.properties as Record<string, unknown>).status = { type: 'text' };
    const e = await rejection(open(fake));
    expect(isWfeError(e, 'INVALID_STATE')).toBe(true);
    expect(e.message).toContain('maps the field status as text, wfe needs keyword');
    expect(e.details).toMatchObject({ field: 'status', expected: 'keyword', actual: 'text' });
  });

  it('adds newly declared data fields to an existing index', async () => {
    const fake = fakeOpenSearch();
    await open(fake, { dataFields: ['total'] });
    const index = await open(fake, { dataFields: ['total', 'region'] });
    await index.upsert([summary('r', 'runnable', T0, { fields: { region: 'eu' } })]);
    expect((await index.search({ where: [{ field: 'region', op: 'eq', value: 'eu' }] })).items).toHaveLength(1);
  });

  it('reports a document OpenSearch refuses with its instance and version, and moves no checkpoint', async () => {
    const fake = fakeOpenSearch();
    const index = await open(fake);
    const log = logWith();
    const projection = searchDocumentProjection(() => undefined, { dataFields: FIELDS });
    await log.appendBatch([{ streamId: 'bad', expectedVersion: 0, events: [startedEvent('bad', {})] }]);
    fake.intercept = (req) =>
      req.path === '/_bulk'
        ? { status: 200, body: { errors: true, items: [{ index: { _id: 'bad', status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [text]' } } }] } }
        : undefined;
    const e = await rejection(catchUp({ projection, sink: index, log, now: () => T0 }));
    expect(isWfeError(e, 'PROJECTION_FAILED')).toBe(true);
    expect(e.message).toContain('OpenSearch refused the search document of instance bad at version 1');
    expect(e.message).toContain('mapper_parsing_exception: failed to parse field [text]');
    expect(e.details).toMatchObject({ instanceId: 'bad', version: 1 });
    expect(await index.loadCheckpoint()).toBeUndefined();
  });

  it('needs a client or a node, and a valid alias', async () => {
    await expect(createOpenSearchIndex({})).rejects.toThrow('needs a client or a node URL');
    await expect(createOpenSearchIndex({ node: 'http://x', alias: 'Bad Alias' })).rejects.toThrow('invalid OpenSearch alias');
  });
});
