import { WfeError } from '../../domain/errors.js';
import { canonicalJson, findNonJson, NotJsonError } from '../../domain/json.js';

/**
 * The canonical JSON of a value that must be plain JSON (`canonicalJson` in strict mode: one walk),
 * or `NOT_SERIALISABLE` naming `what` and the path (found by a second walk, on that error only).
 * What a log stores and hashes.
 */
export function encodeJson(value: unknown, what: () => string, details: Record<string, unknown> = {}): string {
  try {
    return canonicalJson(value, { strict: true });
  } catch (error) {
    // A cycle overflows the stack.
    if (!(error instanceof NotJsonError) && !(error instanceof RangeError)) throw error;
    const path = findNonJson(value) ?? '$';
    throw new WfeError('NOT_SERIALISABLE', `${what()} is not JSON at ${path}`, { ...details, path });
  }
}
