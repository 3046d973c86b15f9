const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;

/**
 * `"500ms"`, `"30s"`, `"5m"`, `"2h"`, `"1.5s"`; a bare number (or numeric string) is milliseconds.
 * Returns undefined for anything else (negative, NaN, unknown unit).
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1));
}
