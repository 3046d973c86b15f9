import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceIndex, InstanceQuery, InstanceSummary } from '../../ports/instance-index.js';
import type { SqliteStore } from './open-sqlite-database.js';

const UPSERT = `
  INSERT INTO instances (instance_id, definition_id, definition_version, reference, status, created_at, completed_at, version)
  VALUES (@instanceId, @definitionId, @definitionVersion, @reference, @status, @createdAt, @completedAt, @version)
  ON CONFLICT (instance_id) DO UPDATE SET
    definition_id = excluded.definition_id, definition_version = excluded.definition_version, reference = excluded.reference,
    status = excluded.status, created_at = excluded.created_at, completed_at = excluded.completed_at, version = excluded.version`;
const COLUMNS = 'instance_id, definition_id, definition_version, reference, status, created_at, completed_at, version';
const GET = `SELECT ${COLUMNS} FROM instances WHERE instance_id = ?`;
const REMOVE = 'DELETE FROM instances WHERE instance_id = ?';

interface Row {
  instance_id: string;
  definition_id: string;
  definition_version: number;
  reference: string | null;
  status: WorkflowStatus;
  created_at: number;
  completed_at: number | null;
  version: number;
}

function toSummary(r: Row): InstanceSummary {
  return {
    instanceId: r.instance_id,
    definitionId: r.definition_id,
    definitionVersion: r.definition_version,
    ...(r.reference !== null ? { reference: r.reference } : {}),
    status: r.status,
    createdAt: r.created_at,
    ...(r.completed_at !== null ? { completedAt: r.completed_at } : {}),
    version: r.version,
  };
}

/** The query's SQL and parameters; statements are cached per distinct SQL text. */
function buildQuery(q: InstanceQuery): { sql: string; params: unknown[] } | undefined {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status !== undefined) {
    const statuses: readonly WorkflowStatus[] = typeof q.status === 'string' ? [q.status] : q.status;
    if (statuses.length === 0) return undefined;
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (q.definitionId !== undefined) {
    where.push('definition_id = ?');
    params.push(q.definitionId);
  }
  if (q.reference !== undefined) {
    where.push('reference = ?');
    params.push(q.reference);
  }
  if (q.before !== undefined) {
    where.push('coalesce(completed_at, created_at) < ?');
    params.push(q.before);
  }
  params.push(q.limit === undefined ? -1 : Math.max(0, q.limit), Math.max(0, q.offset ?? 0));
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return { sql: `SELECT ${COLUMNS} FROM instances${filter} ORDER BY created_at, instance_id LIMIT ? OFFSET ?`, params };
}

/** The instance index on SQLite: oldest first, ties by instance id. */
export function createSqliteInstanceIndex(store: SqliteStore, onClose?: () => void): InstanceIndex {
  const upsertAll = store.db.transaction((summaries: readonly InstanceSummary[]) => {
    for (const s of summaries) {
      store.statement(UPSERT).run({
        instanceId: s.instanceId,
        definitionId: s.definitionId,
        definitionVersion: s.definitionVersion,
        reference: s.reference ?? null,
        status: s.status,
        createdAt: s.createdAt,
        completedAt: s.completedAt ?? null,
        version: s.version,
      });
    }
  });
  const removeAll = store.db.transaction((ids: readonly string[]) => {
    for (const id of ids) store.statement(REMOVE).run(id);
  });
  let closed = false;
  return {
    async upsert(summaries) {
      if (summaries.length > 0) store.guard('indexing instances', () => upsertAll.immediate(summaries));
    },
    async get(instanceId) {
      return store.guard('reading the instance index', () => {
        const row = store.statement(GET).get(instanceId) as Row | undefined;
        return row ? toSummary(row) : undefined;
      });
    },
    async query(q) {
      const built = buildQuery(q);
      if (!built) return [];
      return store.guard('querying instances', () => (store.statement(built.sql).all(...built.params) as Row[]).map(toSummary));
    },
    async remove(instanceIds) {
      if (instanceIds.length > 0) store.guard('removing instances', () => removeAll.immediate(instanceIds));
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose?.();
    },
  };
}
