import { afterEach, beforeEach } from 'vitest';

/** A clock the suites move by hand: adapters read time only from it. */
export interface ManualClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

/** What every conformance factory receives. */
export interface ConformanceContext {
  /** Pass `() => ctx.clock.now()` to the adapter wherever it reads time. */
  readonly clock: ManualClock;
}

/** A port under test and how to get rid of it. */
export interface PortUnderTest<P> {
  readonly port: P;
  /** Close the port and drop whatever it stored. */
  readonly cleanup: () => Promise<void>;
}

/** Called once per test; must return an empty store. */
export type PortFactory<P> = (ctx: ConformanceContext) => Promise<PortUnderTest<P>>;

/** Where every test's clock starts: a realistic epoch time (2024-01-01T00:00:00Z). */
export const T0 = 1_704_067_200_000;

export function manualClock(start = T0): ManualClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * Registers beforeEach/afterEach that build a fresh port per test (clock reset to T0) and clean it up.
 * Read `h.port` inside tests only.
 */
export function usePort<P>(factory: PortFactory<P>): { readonly clock: ManualClock; readonly port: P } {
  const clock = manualClock();
  let current: PortUnderTest<P> | undefined;
  beforeEach(async () => {
    clock.set(T0);
    current = await factory({ clock });
  });
  afterEach(async () => {
    const c = current;
    current = undefined;
    if (c) await c.cleanup();
  });
  return {
    clock,
    get port(): P {
      if (!current) throw new Error('the port is only available inside a test');
      return current.port;
    },
  };
}
