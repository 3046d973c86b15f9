import { WfeError } from './errors.js';
import { findNonJson, type Json } from './json.js';

/**
 * Pure checks of the arguments of the host's public calls, so that bad input is a typed error that
 * names the argument (`WfeError('INVALID_ARGUMENT' | 'NOT_SERIALISABLE')` with `details.argument`)
 * before anything reaches a store.
 */

function invalid(argument: string, message: string, details: Record<string, unknown> = {}): never {
  throw new WfeError('INVALID_ARGUMENT', `${argument}: ${message}`, { argument, ...details });
}

/** A name-like argument: a string with something besides whitespace in it. */
function nonBlank(argument: string, value: unknown): string {
  if (typeof value !== 'string') return invalid(argument, `expected a non-empty string, got ${value === null ? 'null' : typeof value}`);
  if (value.trim() === '') return invalid(argument, value === '' ? 'must not be empty' : 'must not be only whitespace');
  return value;
}

/** `startWorkflow(…, { instanceId })`: when given, the id must be a non-blank string. */
export function validateInstanceId(instanceId: unknown): string {
  return nonBlank('instanceId', instanceId);
}

/** The arguments of `publishEvent(name, key, data, effectiveAt)`, checked; `data` defaults to null. */
export interface PublishArgs {
  readonly name: string;
  readonly key: string;
  readonly data: Json;
  readonly effectiveAt?: number;
}

/**
 * Check `publishEvent`'s arguments: name and key non-blank strings, data JSON (a class instance, a
 * function, a cycle or a non-finite number is `NOT_SERIALISABLE` naming `data` and the path; an
 * `undefined` inside is normalised as by `normaliseJson`), `effectiveAt` a finite number when given.
 */
export function validatePublishArgs(name: unknown, key: unknown, data: unknown = null, effectiveAt?: unknown): PublishArgs {
  const n = nonBlank('name', name);
  const k = nonBlank('key', key);
  if (effectiveAt !== undefined && (typeof effectiveAt !== 'number' || !Number.isFinite(effectiveAt))) {
    invalid('effectiveAt', `expected a time in ms since the epoch, got ${String(effectiveAt)}`);
  }
  return { name: n, key: k, data: normaliseJson('data', data), ...(effectiveAt !== undefined ? { effectiveAt: effectiveAt as number } : {}) };
}

/**
 * Workflow data (or an event's payload) as the log will hold it: what `JSON.stringify` keeps.
 * `undefined` is removed from objects and becomes `null` in arrays (a top-level `undefined` is
 * `null`), so that the live run, which would otherwise see the `undefined`, and every replay from a
 * store, which cannot hold it, see the same value. Anything else that is not JSON throws
 * `NOT_SERIALISABLE` naming the argument and the path.
 */
export function normaliseJson(argument: string, value: unknown): Json {
  const bad = findNonJson(value);
  if (bad) throw new WfeError('NOT_SERIALISABLE', `${argument} is not JSON at ${bad.replace(/^\$/, argument)}`, { argument, path: bad });
  return withoutUndefined(value) ?? null;
}

function withoutUndefined(value: unknown): Json | undefined {
  if (value === null || typeof value !== 'object') return value as Json | undefined;
  if (Array.isArray(value)) {
    const out = new Array<Json>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = withoutUndefined(value[i]) ?? null;
    return out;
  }
  const out: { [key: string]: Json } = {};
  for (const k of Object.keys(value)) {
    const x = withoutUndefined((value as Record<string, unknown>)[k]);
    if (x === undefined) continue;
    // A "__proto__" member (JSON.parse makes one) stays a member, as in the log.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}
