import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/json.js';
import type { WorkflowEvent } from '../../domain/events.js';
import type { EventMeta, StoredEvent } from '../../ports/event-log.js';

/** The hash of "no previous event": the first event of a stream chains to this. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * sha256 over the previous hash and the canonical JSON of everything stored but the position:
 * `prev + "\n" + canonical({ e: event, m: meta, s: streamId, t: recordedAt, v: version })`.
 */
export function chainHash(
  prevHash: string,
  e: { streamId: string; version: number; recordedAt: number; event: WorkflowEvent; meta: EventMeta },
): string {
  return linkHash(prevHash, e.streamId, e.version, e.recordedAt, canonicalJson(e.event), canonicalJson(e.meta));
}

/**
 * The same hash from the canonical JSON of the event (`body`) and of the meta (`metaJson`): the
 * bytes a log stores, serialised once. The object `{e, m, s, t, v}` is written out in its canonical
 * key order, so the result is exactly {@link chainHash}'s.
 */
export function linkHash(prevHash: string, streamId: string, version: number, recordedAt: number, body: string, metaJson: string): string {
  if (!Number.isFinite(recordedAt)) throw new TypeError(`not JSON: ${recordedAt}`);
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(`{"e":${body},"m":${metaJson},"s":${JSON.stringify(streamId)},"t":${JSON.stringify(recordedAt)},"v":${JSON.stringify(version)}}`)
    .digest('hex');
}

export type ChainProblem = { readonly version: number; readonly problem: string };

/**
 * Check a stream read from a log: versions 1..n without gaps, each hash chained to the previous one.
 * Returns the first problem, or undefined when the stream is intact.
 */
export function verifyChain(events: readonly StoredEvent[], fromHash = GENESIS_HASH, fromVersion = 0): ChainProblem | undefined {
  let prev = fromHash;
  let expected = fromVersion + 1;
  for (const e of events) {
    if (e.version !== expected) return { version: e.version, problem: `expected version ${expected}, found ${e.version}` };
    const h = chainHash(prev, e);
    if (h !== e.hash) return { version: e.version, problem: `hash mismatch: stored ${e.hash.slice(0, 12)}…, computed ${h.slice(0, 12)}…` };
    prev = h;
    expected++;
  }
  return undefined;
}
