import type { InstanceIndex, InstanceQuery, InstanceSummary } from '../../ports/instance-index.js';
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

/** An in-process instance index: oldest first, ties by instance id. */
export function createMemoryInstanceIndex(): InstanceIndex {
  const rows = new Map<string, InstanceSummary>();
  return {
    async upsert(summaries) {
      for (const s of summaries) rows.set(s.instanceId, jsonCopy(s));
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
        .sort((a, b) => a.createdAt - b.createdAt || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))
        .slice(offset, end);
      return jsonCopy(found);
    },
    async remove(instanceIds) {
      for (const id of instanceIds) rows.delete(id);
    },
    async close() {},
  };
}
