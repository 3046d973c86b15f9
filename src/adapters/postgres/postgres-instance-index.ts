import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceIndex } from '../../ports/instance-index.js';
import { pageOf, validateSearchQuery } from '../../projections/search-query.js';
import { instanceValues, toSummary, type InstanceRow } from './instance-rows.js';
import { run, withClient, statement, type PgContext } from './pg-context.js';
import { countInstancesSql } from './sql/count-instances.js';
import { getInstanceSql } from './sql/get-instance.js';
import { listInstancesSql } from './sql/list-instances.js';
import { queryInstancesSql } from './sql/query-instances.js';
import { removeInstancesSql } from './sql/remove-instances.js';
import { searchInstancesSql } from './sql/search-instances.js';
import { upsertInstancesParamsSql } from './sql/upsert-instances.js';

/**
 * The instance index on PostgreSQL: the search document of each instance (JSON lists and fields in
 * jsonb, a tsvector of wfe's tokens under a GIN index), listing for recovery and purge, and search
 * with the semantics of `searchDocuments` (src/projections/search-query.ts).
 */
export function createPostgresInstanceIndex(ctx: PgContext): InstanceIndex {
  const st = {
    upsert: statement(ctx, 'upsert-instances', upsertInstancesParamsSql),
    get: statement(ctx, 'get-instance', getInstanceSql),
    query: statement(ctx, 'query-instances', queryInstancesSql),
    list: statement(ctx, 'list-instances', listInstancesSql),
    counts: statement(ctx, 'count-instances', countInstancesSql),
    remove: statement(ctx, 'remove-instances', removeInstancesSql),
  };
  return {
    async upsert(summaries) {
      if (summaries.length === 0) return;
      await run(ctx, 'indexing instances', st.upsert, instanceValues(summaries));
    },
    async get(instanceId) {
      const [row] = await run<InstanceRow>(ctx, 'reading an instance summary', st.get, [instanceId]);
      return row ? toSummary(row) : undefined;
    },
    async query(q) {
      const status = q.status === undefined ? null : typeof q.status === 'string' ? [q.status] : [...q.status];
      const rows = await run<InstanceRow>(ctx, 'querying instances', st.query, [
        status,
        q.definitionId ?? null,
        q.reference ?? null,
        q.before ?? null,
        q.limit ?? null,
        q.offset ?? 0,
      ]);
      return rows.map(toSummary);
    },
    async search(q) {
      const v = validateSearchQuery(q);
      const { text, values } = searchInstancesSql(ctx.schema, v);
      // Unnamed: the text varies with the criteria, and a plan per shape is what a prepared one would give.
      const rows = await withClient(ctx, 'searching instances', async (c) => (await c.query<InstanceRow>({ text, values })).rows);
      return pageOf(rows.map(toSummary), v);
    },
    async countByStatus() {
      const rows = await run<{ definition_id: string; status: WorkflowStatus; count: number }>(ctx, 'counting instances', st.counts, []);
      return rows.map((r) => ({ definitionId: r.definition_id, status: r.status, count: Number(r.count) }));
    },
    async list(afterInstanceId, limit) {
      const rows = await run<InstanceRow>(ctx, 'listing instances', st.list, [afterInstanceId ?? null, Math.max(0, limit)]);
      return rows.map(toSummary);
    },
    async remove(instanceIds) {
      if (instanceIds.length > 0) await run(ctx, 'removing instance summaries', st.remove, [[...instanceIds]]);
    },
    async close() {},
  };
}
