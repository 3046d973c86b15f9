import { canonicalJson } from '../domain/json.js';
import type { LogPosition } from '../log/position.js';
import type { EventLog } from '../ports/event-log.js';
import type { Projection } from './projection.js';
import { catchUp } from './runner.js';
import { memorySink, type ProjectionSink } from './sinks.js';

/** A stored document that is not what the log says it should be. */
export interface Drift {
  readonly key: string;
  /** missing: the log has it, the store does not; extra: the store has it, the log does not; different: both, unequal. */
  readonly kind: 'missing' | 'extra' | 'different';
  readonly stored?: unknown;
  readonly expected?: unknown;
}

export interface VerifyReport {
  readonly projection: string;
  /** Documents compared. */
  readonly checked: number;
  /** The log position the comparison was made at. */
  readonly position?: LogPosition;
  readonly drifted: readonly Drift[];
}

/**
 * Rebuild a projection in memory from the log (up to its stored checkpoint, or the head for inline
 * projections, which have none) and compare every document with the stored one, by key.
 */
export async function verifyProjection<D>(projection: Projection<D>, sink: ProjectionSink<D>, log: EventLog, now: () => number): Promise<VerifyReport & { readonly expected: Map<string, D> }> {
  const cp = await sink.loadCheckpoint();
  const until = projection.lifecycle === 'async' ? cp?.position : await log.headPosition();
  const rebuilt = memorySink<D>(`${projection.name}~verify`);
  if (until !== undefined) await catchUp({ projection, sink: rebuilt, log, now, until });
  const drifted: Drift[] = [];
  const seen = new Set<string>();
  let checked = 0;
  for (let after: string | undefined; ; ) {
    const page = await sink.list(after, 1000);
    for (const { key, doc } of page) {
      seen.add(key);
      checked++;
      const expected = rebuilt.docs.get(key);
      if (expected === undefined || expected === null) drifted.push({ key, kind: 'extra', stored: doc });
      else if (canonicalJson(expected) !== canonicalJson(doc)) drifted.push({ key, kind: 'different', stored: doc, expected });
    }
    if (page.length < 1000) break;
    after = page[page.length - 1]!.key;
  }
  for (const [key, expected] of rebuilt.docs) {
    if (seen.has(key) || expected === null) continue;
    checked++;
    drifted.push({ key, kind: 'missing', expected });
  }
  return { projection: projection.name, checked, ...(until !== undefined ? { position: until } : {}), drifted, expected: rebuilt.docs };
}
