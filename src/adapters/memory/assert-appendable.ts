import { WfeError } from '../../domain/errors.js';
import { findNonJson } from '../../domain/json.js';
import type { AppendRequest } from '../../ports/event-log.js';

/**
 * Throws `NOT_SERIALISABLE` when the inline projection documents of any request are not plain JSON.
 * Checked for the whole batch before anything is stored. Events and meta are checked as they are
 * encoded (`encodeJson`: the batch's transaction then stores nothing); the index row and snapshot
 * are made by the engine from states folded from JSON events.
 */
export function assertAppendable(requests: readonly AppendRequest[]): void {
  for (const req of requests) assertInlineJson(req);
}

/** Throws `NOT_SERIALISABLE` when a request's inline documents are not plain JSON (checked before anything is stored). */
export function assertInlineJson(req: AppendRequest): void {
  const bad = req.inline?.documents ? findNonJson(req.inline.documents) : undefined;
  if (bad) {
    throw new WfeError('NOT_SERIALISABLE', `the inline writes of the append to stream "${req.streamId}" are not JSON at ${bad}`, {
      streamId: req.streamId,
      path: bad,
    });
  }
}

/** A deep copy through JSON: what a real store gives back (undefined members dropped). */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
