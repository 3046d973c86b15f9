import { WfeError } from '../domain/errors.js';
import { comparePositions, type LogPosition } from '../log/position.js';
import type { EventLog } from '../ports/event-log.js';
import type { Projection, StreamChange } from './projection.js';
import type { ProjectionSink } from './sinks.js';
import { groupByStream, StreamStates } from './stream-states.js';

export interface CatchUpOptions<D> {
  readonly projection: Projection<D>;
  readonly sink: ProjectionSink<D>;
  readonly log: EventLog;
  readonly now: () => number;
  readonly states?: StreamStates;
  /** Events read per page (one sink commit per page). Default 1000. */
  readonly pageSize?: number;
  /** Stop once this position is applied (default: go on until a page comes back short). */
  readonly until?: LogPosition;
  /** Stop between pages when aborted. */
  readonly signal?: AbortSignal;
}

export interface CatchUpResult {
  /** Events read and applied. */
  readonly events: number;
  readonly pages: number;
  readonly position?: LogPosition;
}

/**
 * Apply the log to a projection from its checkpoint: page by page, each page's documents and the
 * new checkpoint committed together, so a crash or an error resumes exactly after the last commit.
 * A projection that throws stops here with `PROJECTION_FAILED` naming the projection, stream and
 * version; nothing of that page is written.
 */
export async function catchUp<D>(o: CatchUpOptions<D>): Promise<CatchUpResult> {
  const { projection, sink, log } = o;
  const states = o.states ?? new StreamStates(log);
  const pageSize = o.pageSize ?? 1000;
  const stored = await sink.loadCheckpoint();
  if (stored && stored.projectionVersion !== projection.version) {
    throw new WfeError('PROJECTION_FAILED', `projection ${projection.name} was built by version ${stored.projectionVersion} of its code, this is version ${projection.version}: rebuild it`, {
      projection: projection.name,
    });
  }
  let position = stored?.position;
  let events = 0;
  let pages = 0;
  for (;;) {
    if (o.signal?.aborted) break;
    if (o.until !== undefined && comparePositions(position, o.until) >= 0) break;
    const read = await log.readAll(position, pageSize);
    // Never past `until` (verify compares with documents stored at exactly that position).
    const page = o.until === undefined ? read : read.filter((e) => comparePositions(e.position, o.until) <= 0);
    if (page.length === 0) break;
    const changes: StreamChange[] = [];
    for (const [streamId, run] of groupByStream(page)) changes.push(await states.change(streamId, run));
    const writes = await applyChanges(projection, sink, changes);
    position = page[page.length - 1]!.position;
    await sink.commit(writes, { projection: sink.name, projectionVersion: projection.version, position, updatedAt: o.now() });
    events += page.length;
    pages++;
    if (read.length < pageSize || page.length < read.length) break;
  }
  return { events, pages, ...(position !== undefined ? { position } : {}) };
}

/** Apply changes to the documents they touch (read once from the sink); returns the writes. */
export async function applyChanges<D>(projection: Projection<D>, sink: Pick<ProjectionSink<D>, 'get'>, changes: readonly StreamChange[]): Promise<{ key: string; doc: D | null }[]> {
  const keysOf = changes.map((c) => projection.keysOf(c));
  const docs = projection.replaces ? new Map<string, D>() : await sink.get([...new Set(keysOf.flat())]);
  const current = new Map<string, D | null>();
  changes.forEach((change, i) => {
    for (const key of keysOf[i]!) {
      const doc = current.has(key) ? current.get(key)! : docs.has(key) ? docs.get(key)! : projection.init(key);
      try {
        current.set(key, projection.apply(doc as D, change, key));
      } catch (error) {
        const last = change.events[change.events.length - 1];
        throw new WfeError(
          'PROJECTION_FAILED',
          `projection ${projection.name} failed on stream ${change.streamId} at version ${change.events[0]?.version ?? '?'}${last && last !== change.events[0] ? `-${last.version}` : ''} (document ${key}): ${error instanceof Error ? error.message : String(error)}`,
          { projection: projection.name, streamId: change.streamId, version: change.events[0]?.version, key },
        );
      }
    }
  });
  return [...current].map(([key, doc]) => ({ key, doc }));
}
