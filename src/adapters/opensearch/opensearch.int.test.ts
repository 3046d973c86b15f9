/** Against a real OpenSearch 2 (OPENSEARCH_URL, e.g. the docker-compose service): the search conformance suite and the sink. */
import { Client } from '@opensearch-project/opensearch';
import { afterAll, expect, it } from 'vitest';
import { describeWithUrl, uniqueSuffix } from '../../../test/setup/integration.js';
import type { WorkflowEvent } from '../../domain/events.js';
import { catchUp } from '../../projections/runner.js';
import { searchDocumentProjection } from '../../projections/search-document.js';
import { instanceSearchConformance } from '../../testing/conformance/instance-search-conformance.js';
import { createMemoryEventLog } from '../memory/memory-event-log.js';
import { createOpenSearchIndex } from './opensearch-index.js';

const FIELDS = ['total', 'tier', 'customer.vip', 'note', 'v', 'missing'];
const T0 = 1_704_067_200_000;

describeWithUrl('OPENSEARCH_URL', 'wfe/opensearch on a real server', (url) => {
  const client = new Client({ node: url });
  const aliases: string[] = [];
  const fresh = async () => {
    const alias = `wfe-test-${uniqueSuffix()}`;
    aliases.push(alias);
    return createOpenSearchIndex({ client, alias, dataFields: FIELDS, refresh: 'wait_for' });
  };
  afterAll(async () => {
    for (const alias of aliases) {
      await client.transport.request({ method: 'DELETE', path: `/${alias}-*,${alias}.checkpoints` }, { ignore: [404] });
      await client.transport.request({ method: 'DELETE', path: `/_index_template/${alias}` }, { ignore: [404] });
    }
    await client.close();
  });

  instanceSearchConformance('opensearch', async () => ({ port: await fresh(), cleanup: async () => {} }));

  it('catches up from the log, resumes from its checkpoint and rebuilds blue-green', async () => {
    const index = await fresh();
    const log = createMemoryEventLog({ clock: () => T0 });
    const projection = searchDocumentProjection(() => undefined, { dataFields: FIELDS });
    const started = (id: string): WorkflowEvent => ({ type: 'WorkflowStarted', v: 1, at: T0, instanceId: id, definitionId: 'order', definitionVersion: 1, data: { total: 2 } });
    await log.appendBatch([{ streamId: 'a', expectedVersion: 0, events: [started('a')] }]);
    expect((await catchUp({ projection, sink: index, log, now: () => T0 })).events).toBe(1);
    await log.appendBatch([{ streamId: 'b', expectedVersion: 0, events: [started('b')] }]);
    expect((await catchUp({ projection, sink: index, log, now: () => T0 })).events).toBe(1);
    expect((await index.search({ where: [{ field: 'total', op: 'eq', value: 2 }] })).items).toHaveLength(2);
    expect((await index.verify(projection, log)).drifted).toEqual([]);
    const report = await index.rebuild(projection, log, () => T0);
    expect(report.index).toMatch(/-000002$/);
    expect((await index.search({})).items).toHaveLength(2);
  });
});
