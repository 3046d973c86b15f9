import { WfeError } from '../../domain/errors.js';
import { EVENT_TYPES, type WorkflowEvent } from '../../domain/events.js';
import type { EventMeta, StoredEvent } from '../../ports/event-log.js';
import { numericPosition } from '../shared/numeric-position.js';

/** A row of the `events` table. */
export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly version: number;
  readonly recorded_at: number;
  readonly type: string;
  readonly body: string;
  readonly meta: string;
  readonly hash: string;
  readonly signature?: string | null;
}

const KNOWN = new Set<string>(EVENT_TYPES);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored event from its row; `CORRUPT_LOG` naming the stream and version when the row does not decode. */
export function decodeEventRow(row: EventRow, path: string): StoredEvent {
  const fail = (problem: string): never => {
    throw new WfeError('CORRUPT_LOG', `stream "${row.stream_id}" version ${row.version} (position ${row.position}) in ${path}: ${problem}`, {
      path,
      streamId: row.stream_id,
      version: row.version,
      position: row.position,
    });
  };
  let event: unknown;
  let meta: unknown;
  try {
    event = JSON.parse(row.body);
  } catch (e) {
    return fail(`the event body is not JSON (${(e as Error).message})`);
  }
  try {
    meta = JSON.parse(row.meta);
  } catch (e) {
    return fail(`the event meta is not JSON (${(e as Error).message})`);
  }
  if (!isObject(event)) return fail('the event body is not an object');
  if (!isObject(meta)) return fail('the event meta is not an object');
  if (typeof event.type !== 'string' || !KNOWN.has(event.type)) return fail(`unknown event type ${JSON.stringify(event.type)}`);
  if (event.type !== row.type) return fail(`the body's type ${event.type} differs from the row's type ${row.type}`);
  return {
    streamId: row.stream_id,
    version: row.version,
    position: numericPosition(row.position),
    recordedAt: row.recorded_at,
    event: event as unknown as WorkflowEvent,
    meta: meta as EventMeta,
    hash: row.hash,
    ...(row.signature ? { signature: row.signature } : {}),
  };
}
