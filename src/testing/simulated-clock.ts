import type { Clock } from '../runtime/clock.js';

/**
 * A clock that moves only when told: `advance(ms)` wakes every sleeper whose time has come.
 * Tests of timers, retries and delays use it so that no test sleeps real seconds.
 */
export class SimulatedClock implements Clock {
  private time: number;
  private sleepers: { until: number; resolve: () => void }[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = { until: this.time + Math.max(0, ms), resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        resolve();
      }, { once: true });
    });
  }

  /** Move time forward and wake the sleepers that are due, earliest first. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.until <= this.time).sort((a, b) => a.until - b.until);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const s of due) s.resolve();
    // Let the woken work run before returning.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }

  set(time: number): Promise<void> {
    return this.advance(Math.max(0, time - this.time));
  }
}

/** Ids `prefix-1`, `prefix-2`, ...: deterministic ids for tests. */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}
