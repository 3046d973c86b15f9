import { comparePositions, type LogPosition } from '../log/position.js';
import type { EventLog } from '../ports/event-log.js';
import type { BoundProjection } from './catalog.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly lifecycle: 'inline' | 'async';
  /** The last position applied (async projections). */
  readonly position?: LogPosition;
  /** The log's last position. */
  readonly head?: LogPosition;
  /** Events between the checkpoint and the head (counted up to `maxCount`; inline projections: 0). */
  readonly behind: number;
  /** The checkpoint was written by another version of the projection's code: rebuild it. */
  readonly stale: boolean;
}

/** Where a projection stands against the log. */
export async function projectionStatus(bound: BoundProjection, log: EventLog, maxCount = 100_000): Promise<ProjectionStatus> {
  const { projection } = bound;
  const head = await log.headPosition();
  if (projection.lifecycle === 'inline') {
    return { name: projection.name, version: projection.version, lifecycle: 'inline', ...(head !== undefined ? { head } : {}), behind: 0, stale: false };
  }
  const cp = await bound.sink().loadCheckpoint();
  let behind = 0;
  if (comparePositions(cp?.position, head) < 0) behind = (await log.readAll(cp?.position, maxCount)).length;
  return {
    name: projection.name,
    version: projection.version,
    lifecycle: 'async',
    ...(cp?.position !== undefined ? { position: cp.position } : {}),
    ...(head !== undefined ? { head } : {}),
    behind,
    stale: cp !== undefined && cp.projectionVersion !== projection.version,
  };
}
