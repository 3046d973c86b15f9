import { WfeError } from '../../domain/errors.js';
import { findNonJson } from '../../domain/json.js';

class NotJson extends Error {}

/**
 * Canonical JSON (keys sorted, no whitespace, `undefined` members dropped: byte for byte what
 * `canonicalJson` writes) of a value that must be plain JSON, in one walk: a Date, a Map, a class
 * instance, a function, a symbol, a bigint or a non-finite number is `NOT_SERIALISABLE` naming
 * `what` and the path (found by a second walk, on that error only). What a log stores and hashes.
 */
export function encodeJson(value: unknown, what: () => string, details: Record<string, unknown> = {}): string {
  try {
    return encode(value);
  } catch (error) {
    if (!(error instanceof NotJson) && !(error instanceof RangeError)) throw error;
    const path = findNonJson(value) ?? '$';
    throw new WfeError('NOT_SERIALISABLE', `${what()} is not JSON at ${path}`, { ...details, path });
  }
}

function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson();
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          out += (i ? ',' : '') + (v === undefined ? 'null' : encode(v));
        }
        return `${out}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new NotJson();
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      // Most objects are built in a fixed order; sort only when they are not sorted already.
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = o[k];
        if (v === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(k)}:${encode(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new NotJson();
  }
}
