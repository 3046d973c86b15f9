/** A JSON value: everything recorded in the log is one of these. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * A deep copy of a JSON value (what fold copies in from an event). For the small values events
 * carry it is many times faster than `structuredClone`. A `__proto__` key stays a plain member.
 */
export function copyJson<T extends Json | undefined>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out: Json[] = new Array<Json>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i] as Json);
    return out as T;
  }
  const out: { [key: string]: Json } = {};
  for (const k of Object.keys(v)) {
    const x = copyJson((v as { [key: string]: Json })[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x as Json;
  }
  return out as T;
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as never)[k], (b as never)[k]));
}

/** Thrown by `canonicalJson` for a non-finite number, and in strict mode for anything not plain JSON. */
export class NotJsonError extends TypeError {}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped.
 * Used for hashing events, so two encodings of one value always hash the same. `strict`: a class
 * instance (Date, Map...), a function, a symbol or a bigint is a `NotJsonError` instead of being
 * written as JSON.stringify would (the logs encode events so: what they store is what they hash).
 */
export function canonicalJson(value: unknown, options?: { readonly strict?: boolean }): string {
  return writeCanonical(value, options?.strict === true);
}

function writeCanonical(value: unknown, strict: boolean): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(`not JSON: ${value}`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          out += (i ? ',' : '') + (v === undefined ? 'null' : writeCanonical(v, strict));
        }
        return `${out}]`;
      }
      if (strict) {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) throw new NotJsonError('not JSON: a class instance');
      }
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      // Most objects are built in a fixed order: sort only those that are not sorted already.
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
        out += `${first ? '' : ','}${JSON.stringify(k)}:${writeCanonical(v, strict)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      if (strict) throw new NotJsonError(`not JSON: a ${typeof value}`);
      return JSON.stringify(value) ?? 'null';
  }
}

/**
 * Where `value` stops being plain JSON, as a path like `$.items[2].at`, or undefined when it is JSON.
 * Rejects functions, symbols, bigints, non-finite numbers, class instances (Date, Map, ...) and cycles.
 */
export function findNonJson(value: unknown, path = '$', seen: Set<object> = new Set()): string | undefined {
  // The usual answer, "it is JSON", without making a path string per member.
  if (path === '$' && seen.size === 0 && isPlainJson(value, 0)) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} (${value})`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} (a cycle)`;
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const bad = findNonJson(value[i], `${path}[${i}]`, seen);
            if (bad) return bad;
          }
          return undefined;
        }
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return `${path} (a ${proto?.constructor?.name ?? 'class'} instance)`;
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined) continue;
          const bad = findNonJson(v, `${path}.${k}`, seen);
          if (bad) return bad;
        }
        return undefined;
      } finally {
        seen.delete(value);
      }
    }
    case 'undefined':
      return undefined;
    default:
      return `${path} (a ${typeof value})`;
  }
}

/** `findNonJson`'s rules as a yes/no, without paths; false past a depth of 500 (a cycle is told apart there). */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > 500) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k of Object.keys(value)) if (!isPlainJson((value as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
