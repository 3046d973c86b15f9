import { WfeError } from '../../domain/errors.js';
import { findNonJson } from '../../domain/json.js';
import type { AppendRequest } from '../../ports/event-log.js';

/**
 * Throws `NOT_SERIALISABLE` when an event or meta of any request is not plain JSON. Checked for the
 * whole batch before anything is stored: a Date or a Map would come back changed and break the
 * stream's hash chain.
 */
export function assertAppendable(requests: readonly AppendRequest[]): void {
  for (const req of requests) {
    for (let i = 0; i < req.events.length; i++) {
      const bad = findNonJson(req.events[i]);
      if (bad) {
        throw new WfeError('NOT_SERIALISABLE', `event ${i + 1} of the append to stream "${req.streamId}" is not JSON at ${bad}`, {
          streamId: req.streamId,
          path: bad,
        });
      }
    }
    const badMeta = req.meta ? findNonJson(req.meta) : undefined;
    if (badMeta) {
      throw new WfeError('NOT_SERIALISABLE', `the meta of the append to stream "${req.streamId}" is not JSON at ${badMeta}`, {
        streamId: req.streamId,
        path: badMeta,
      });
    }
    assertInlineJson(req);
  }
}

/** Throws `NOT_SERIALISABLE` when a request's inline writes are not plain JSON (checked before anything is stored). */
export function assertInlineJson(req: AppendRequest): void {
  const bad = req.inline ? findNonJson(req.inline) : undefined;
  if (bad) {
    throw new WfeError('NOT_SERIALISABLE', `the inline writes of the append to stream "${req.streamId}" are not JSON at ${bad}`, {
      streamId: req.streamId,
      path: bad,
    });
  }
}

/**
 * Throws `NOT_SERIALISABLE` when the inline projection documents of any request are not plain JSON,
 * for a log that checks events and meta as it encodes them (`encodeJson`) inside a transaction
 * that then stores nothing; the index row and snapshot are made by the engine from JSON states.
 */
export function assertInlineDocuments(requests: readonly AppendRequest[]): void {
  for (const req of requests) {
    const bad = req.inline?.documents ? findNonJson(req.inline.documents) : undefined;
    if (bad) {
      throw new WfeError('NOT_SERIALISABLE', `the inline writes of the append to stream "${req.streamId}" are not JSON at documents${bad.slice(1)}`, {
        streamId: req.streamId,
        path: bad,
      });
    }
  }
}

/** A deep copy through JSON: what a real store gives back (undefined members dropped). */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
