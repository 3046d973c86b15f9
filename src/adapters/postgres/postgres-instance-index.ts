import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceIndex, InstanceSummary } from '../../ports/instance-index.js';
import { num, run, statement, type PgContext } from './pg-context.js';
import { getInstanceSql } from './sql/get-instance.js';
import { queryInstancesSql } from './sql/query-instances.js';
import { removeInstancesSql } from './sql/remove-instances.js';
import { upsertInstancesSql } from './sql/upsert-instances.js';

interface InstanceRow {
  instance_id: string;
  definition_id: string;
  definition_version: number;
  reference: string | null;
  status: WorkflowStatus;
  created_at: string;
  completed_at: string | null;
  version: number;
}

const toSummary = (r: InstanceRow): InstanceSummary => ({
  instanceId: r.instance_id,
  definitionId: r.definition_id,
  definitionVersion: r.definition_version,
  ...(r.reference !== null ? { reference: r.reference } : {}),
  status: r.status,
  createdAt: num(r.created_at),
  ...(r.completed_at !== null ? { completedAt: num(r.completed_at) } : {}),
  version: r.version,
});

/** The instance index on PostgreSQL: listing, search by status/definition/reference, and purge selection. */
export function createPostgresInstanceIndex(ctx: PgContext): InstanceIndex {
  const st = {
    upsert: statement(ctx, 'upsert-instances', upsertInstancesSql),
    get: statement(ctx, 'get-instance', getInstanceSql),
    query: statement(ctx, 'query-instances', queryInstancesSql),
    remove: statement(ctx, 'remove-instances', removeInstancesSql),
  };
  return {
    async upsert(summaries) {
      if (summaries.length === 0) return;
      await run(ctx, 'indexing instances', st.upsert, [
        summaries.map((s) => s.instanceId),
        summaries.map((s) => s.definitionId),
        summaries.map((s) => s.definitionVersion),
        summaries.map((s) => s.reference ?? null),
        summaries.map((s) => s.status),
        summaries.map((s) => s.createdAt),
        summaries.map((s) => s.completedAt ?? null),
        summaries.map((s) => s.version),
      ]);
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
    async remove(instanceIds) {
      if (instanceIds.length > 0) await run(ctx, 'removing instance summaries', st.remove, [[...instanceIds]]);
    },
    async close() {},
  };
}
