import type { WorkflowStatus } from '../../domain/state.js';
import type { InstanceSummary } from '../../ports/instance-index.js';
import type { DocumentWrite } from '../../ports/projection-store.js';
import type { Snapshot } from '../../ports/snapshot-store.js';
import { documentTokens } from '../../projections/search-query.js';
import { num } from './pg-context.js';
import { nullableIntArray, nullableTextArray, type Quote } from './sql-literal.js';
import type { InstanceArrays } from './sql/upsert-instances.js';

/** A row of `instances` as `pg` returns it (bigint as string, jsonb parsed). */
export interface InstanceRow {
  instance_id: string;
  definition_id: string;
  definition_version: number;
  definition_hash: string | null;
  reference: string | null;
  parent_instance_id: string | null;
  status: WorkflowStatus;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  next_due_at: string | null;
  version: number;
  waiting: InstanceSummary['waiting'];
  sleeping: string[];
  failed_steps: string[];
  error: string | null;
  fields: InstanceSummary['fields'];
  text: string;
}

/** The summary a row stores. */
export const toSummary = (r: InstanceRow): InstanceSummary => ({
  instanceId: r.instance_id,
  definitionId: r.definition_id,
  definitionVersion: r.definition_version,
  ...(r.definition_hash !== null ? { definitionHash: r.definition_hash } : {}),
  ...(r.reference !== null ? { reference: r.reference } : {}),
  ...(r.parent_instance_id !== null ? { parentInstanceId: r.parent_instance_id } : {}),
  status: r.status,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  ...(r.completed_at !== null ? { completedAt: num(r.completed_at) } : {}),
  ...(r.next_due_at !== null ? { nextDueAt: num(r.next_due_at) } : {}),
  version: r.version,
  waiting: r.waiting,
  sleeping: r.sleeping,
  failedSteps: r.failed_steps,
  ...(r.error !== null ? { error: r.error } : {}),
  fields: r.fields,
  text: r.text,
});

/** The parallel arrays of `upsert-instances` as JS values (for parameters), in `InstanceArrays` order. */
export function instanceValues(summaries: readonly InstanceSummary[]): unknown[][] {
  const col = <T>(f: (s: InstanceSummary) => T) => summaries.map(f);
  return [
    col((s) => s.instanceId),
    col((s) => s.definitionId),
    col((s) => s.definitionVersion),
    col((s) => s.definitionHash ?? null),
    col((s) => s.reference ?? null),
    col((s) => s.parentInstanceId ?? null),
    col((s) => s.status),
    col((s) => s.createdAt),
    col((s) => s.updatedAt),
    col((s) => s.completedAt ?? null),
    col((s) => s.nextDueAt ?? null),
    col((s) => s.version),
    col((s) => JSON.stringify(s.waiting ?? [])),
    col((s) => JSON.stringify(s.sleeping ?? [])),
    col((s) => JSON.stringify(s.failedSteps ?? [])),
    col((s) => s.error ?? null),
    col((s) => JSON.stringify(s.fields ?? {})),
    col((s) => s.text ?? ''),
    col((s) => documentTokens(s.text ?? '').join(' ')),
  ];
}

/** The same arrays as SQL literals, for statements sent with others in one round trip. */
export function instanceLiterals(quote: Quote, summaries: readonly InstanceSummary[]): InstanceArrays {
  const v = instanceValues(summaries) as (string | number | null)[][];
  const t = (i: number, type: 'text' | 'jsonb' = 'text') => nullableTextArray(quote, v[i] as (string | null)[], type);
  const n = (i: number, type: 'int' | 'bigint') => nullableIntArray(v[i] as (number | null)[], type);
  return {
    ids: t(0),
    definitionIds: t(1),
    definitionVersions: n(2, 'int'),
    definitionHashes: t(3),
    references: t(4),
    parents: t(5),
    statuses: t(6),
    createdAts: n(7, 'bigint'),
    updatedAts: n(8, 'bigint'),
    completedAts: n(9, 'bigint'),
    nextDueAts: n(10, 'bigint'),
    versions: n(11, 'int'),
    waitings: t(12, 'jsonb'),
    sleepings: t(13, 'jsonb'),
    failedSteps: t(14, 'jsonb'),
    errors: t(15),
    fields: t(16, 'jsonb'),
    texts: t(17),
    tokens: t(18),
  };
}

/** Snapshot arrays as JS values: ids, versions, schemas, states (JSON text), hashes. */
export function snapshotValues(snapshots: readonly Snapshot[]): unknown[][] {
  return [
    snapshots.map((s) => s.streamId),
    snapshots.map((s) => s.version),
    snapshots.map((s) => s.schema),
    snapshots.map((s) => JSON.stringify(s.state)),
    snapshots.map((s) => s.hash),
  ];
}

/** Document writes split into puts and deletes, the last write of each (projection, key) winning. */
export function splitDocumentWrites(writes: readonly DocumentWrite[]): { puts: DocumentWrite[]; deletes: DocumentWrite[] } {
  const last = new Map<string, DocumentWrite>();
  for (const w of writes) {
    const k = `${w.projection}\u0000${w.key}`;
    last.delete(k);
    last.set(k, w);
  }
  const all = [...last.values()];
  return { puts: all.filter((w) => w.document !== null), deletes: all.filter((w) => w.document === null) };
}
