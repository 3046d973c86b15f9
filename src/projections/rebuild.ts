import type { EventLog } from '../ports/event-log.js';
import type { Projection } from './projection.js';
import { catchUp } from './runner.js';
import type { ProjectionSink } from './sinks.js';
import { verifyProjection } from './verify.js';

export interface RebuildReport {
  readonly projection: string;
  /** Events read from the log (async projections). */
  readonly events?: number;
  /** Documents compared (inline projections). */
  readonly checked?: number;
  /** Documents written or removed to repair the store (inline projections). */
  readonly repaired?: number;
}

/**
 * Rebuild an async projection from zero beside the live one and switch it in: the documents are
 * built under a shadow name (`<name>~rebuild`), then `swap` replaces the live documents and
 * checkpoint at once. The engine keeps running meanwhile.
 */
export async function rebuildAsync<D>(
  projection: Projection<D>,
  shadow: ProjectionSink<D>,
  swap: () => Promise<void>,
  log: EventLog,
  now: () => number,
): Promise<RebuildReport> {
  await shadow.clear();
  const result = await catchUp({ projection, sink: shadow, log, now });
  await swap();
  return { projection: projection.name, events: result.events };
}

/**
 * Repair an inline projection in place (the live hosts keep writing it): rebuild it in memory, then
 * write every document that differs and remove every document the log does not have. A hand-edited
 * row is replaced whatever version it claims.
 */
export async function repairInline<D>(projection: Projection<D>, sink: ProjectionSink<D>, log: EventLog, now: () => number): Promise<RebuildReport> {
  const report = await verifyProjection(projection, sink, log, now);
  const fixes = report.drifted.map((d) => ({ key: d.key, doc: d.kind === 'extra' ? null : (report.expected.get(d.key) ?? null) }));
  const deletes = fixes.filter((f) => f.doc !== null).map((f) => ({ key: f.key, doc: null }));
  // Remove first: a version guard must not keep a row that claims a higher version than the log has.
  const checkpoint = { projection: sink.name, projectionVersion: projection.version, ...(report.position !== undefined ? { position: report.position } : {}), updatedAt: now() };
  if (deletes.length) await sink.commit(deletes, checkpoint);
  if (fixes.length) await sink.commit(fixes, checkpoint);
  return { projection: projection.name, checked: report.checked, repaired: fixes.length };
}
