/** Assertions shared by the property files. */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import type { WorkflowEvent } from '../../../src/domain/events.js';
import type { StoredEvent } from '../../../src/ports/event-log.js';

export function jsonCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function eventsOf(stored: readonly StoredEvent[]): WorkflowEvent[] {
  return stored.map((s) => s.event);
}

/** Versions 1..n without gaps or repeats. */
export function expectGapless(stored: readonly StoredEvent[]): void {
  expect(stored.map((s) => s.version)).toEqual(stored.map((_, i) => i + 1));
}

/**
 * Host errors a generated run may legitimately report: a command `decide` rejected because an
 * earlier command of the same pass changed the state (two waits of one step offered one event, a
 * step that ran beside one that ended the workflow).
 */
export function unexpectedHostErrors(errors: readonly { error: unknown; where: string }[]): string[] {
  return errors
    .filter((e) => !e.where.startsWith('decide '))
    .map((e) => `${e.where}: ${e.error instanceof Error ? e.error.message : String(e.error)}`);
}

/**
 * Deep strict equality (an `undefined` member differs from a missing one), fast: `node:util` first,
 * and vitest's `toStrictEqual` only to report a difference with a readable diff.
 */
export function expectSame(actual: unknown, expected: unknown, what = 'value'): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual, what).toStrictEqual(expected);
  // toStrictEqual may accept what node:util does not (frozen vs not is not compared by either).
  expect.fail(`${what}: not deep-strict-equal`);
}
