import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceIndex, InstanceQuery, InstanceSummary } from '../../ports/instance-index.js';
import { compareText, searchDocuments, validateSearchQuery } from '../../projections/search-query.js';
import { jsonCopy } from './assert-appendable.js';

/** Whether `s` passes every filter of `q` (paging aside). */
export function matchesQuery(s: InstanceSummary, q: InstanceQuery): boolean {
  if (q.status !== undefined) {
    const wanted: readonly string[] = typeof q.status === 'string' ? [q.status] : q.status;
    if (!wanted.includes(s.status)) return false;
  }
  if (q.definitionId !== undefined && s.definitionId !== q.definitionId) return false;
  if (q.reference !== undefined && s.reference !== q.reference) return false;
  if (q.before !== undefined && (s.completedAt ?? s.createdAt) >= q.before) return false;
  return true;
}

/** An instance index whose upserts can also be applied synchronously (inline with a memory append). */
export interface MemoryInstanceIndex extends InstanceIndex {
  /** `upsert`, now: a row older than the stored one is ignored. */
  upsertNow(summaries: readonly InstanceSummary[]): void;
}

/** An in-process instance index: `query` oldest first (ties by instance id), `search` as `searchDocuments`. */
export function createMemoryInstanceIndex(): MemoryInstanceIndex {
  const rows = new Map<string, InstanceSummary>();
  const upsertNow = (summaries: readonly InstanceSummary[]) => {
    for (const s of summaries) {
      const old = rows.get(s.instanceId);
      if (!old || old.version <= s.version) rows.set(s.instanceId, jsonCopy(s));
    }
  };
  return {
    upsertNow,
    async upsert(summaries) {
      upsertNow(summaries);
    },
    async get(instanceId) {
      const s = rows.get(instanceId);
      return s ? jsonCopy(s) : undefined;
    },
    async query(q) {
      const offset = Math.max(0, q.offset ?? 0);
      const end = q.limit === undefined ? undefined : offset + Math.max(0, q.limit);
      const found = [...rows.values()]
        .filter((s) => matchesQuery(s, q))
        .sort((a, b) => a.createdAt - b.createdAt || compareText(a.instanceId, b.instanceId))
        .slice(offset, end);
      return jsonCopy(found);
    },
    async search(q) {
      return jsonCopy(searchDocuments(rows.values(), validateSearchQuery(q)));
    },
    async countByStatus() {
      const counts = new Map<string, { definitionId: string; status: WorkflowStatus; count: number }>();
      for (const s of rows.values()) {
        const k = `${s.definitionId}\u0000${s.status}`;
        const c = counts.get(k) ?? { definitionId: s.definitionId, status: s.status, count: 0 };
        c.count++;
        counts.set(k, c);
      }
      return [...counts.values()].sort((a, b) => compareText(a.definitionId, b.definitionId) || compareText(a.status, b.status));
    },
    async list(afterInstanceId, limit) {
      const found = [...rows.values()]
        .filter((s) => afterInstanceId === undefined || compareText(s.instanceId, afterInstanceId) > 0)
        .sort((a, b) => compareText(a.instanceId, b.instanceId))
        .slice(0, Math.max(0, limit));
      return jsonCopy(found);
    },
    async remove(instanceIds) {
      for (const id of instanceIds) rows.delete(id);
    },
    async close() {},
  };
}
