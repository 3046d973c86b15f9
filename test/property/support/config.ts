/**
 * Shared fast-check settings: `WFE_PROPERTY_RUNS` (default 200) cases per property, and
 * `WFE_PROPERTY_SEED` to replay a reported failure (fast-check prints the seed, the path and the
 * shrunk counterexample when a property fails; pass `WFE_PROPERTY_PATH` too to jump to it).
 */
import type fc from 'fast-check';

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be an integer, not "${raw}"`);
  return n;
}

export const NUM_RUNS = intFromEnv('WFE_PROPERTY_RUNS') ?? 200;

/** Parameters for `fc.assert`: the number of runs, and the seed/path to replay when given. */
export function propertyParams<T>(overrides: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = intFromEnv('WFE_PROPERTY_SEED');
  const path = process.env.WFE_PROPERTY_PATH;
  return {
    numRuns: NUM_RUNS,
    ...(seed !== undefined ? { seed } : {}),
    ...(seed !== undefined && path ? { path } : {}),
    ...overrides,
  };
}

/** Generous per-test timeout (ms) for a property with `NUM_RUNS` cases costing about `perCaseMs` each. */
export function timeoutFor(perCaseMs: number): number {
  return Math.max(60_000, NUM_RUNS * perCaseMs * 4);
}
