/** Timing and statistics for the benchmarks: hrtime clocks, medians, percentiles, formatting. */
import { loadavg } from 'node:os';

/** Nanoseconds since an arbitrary origin. */
export const clock = (): bigint => process.hrtime.bigint();

/** Milliseconds since `t0` (from `clock()`). */
export const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

/** Milliseconds taken by `fn`. */
export function timeSync(fn: () => void): number {
  const t0 = clock();
  fn();
  return msSince(t0);
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = clock();
  await fn();
  return msSince(t0);
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]!;
}

/** Relative spread of samples: (max - min) / median. */
export function spread(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return (Math.max(...xs) - Math.min(...xs)) / median(xs);
}

/** Human formatting of a number with a sensible number of digits. */
export function fmt(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (abs >= 100) return n.toFixed(0);
  return n.toPrecision(digits);
}

/** Load average over the last minute, to read noisy figures with. */
export function loadNote(): string {
  const [one] = loadavg();
  return `load avg ${one!.toFixed(1)}`;
}

/** Give the event loop a turn (timers, I/O callbacks). */
export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Hint to the GC between measurements (only when node runs with --expose-gc). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
