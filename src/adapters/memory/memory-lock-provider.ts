import type { AppendRequest } from '../../ports/event-log.js';
import type { LockProvider } from '../../ports/lock.js';

export interface MemoryLockOptions {
  /** Current time (ms since epoch) for lease expiry. Default `Date.now`. */
  readonly clock?: () => number;
}

/** A lock provider that can also tell a log whether a fence is still current. */
export interface MemoryLockProvider extends LockProvider {
  /** Why `fence` no longer owns `key` (a newer lease was granted, or it was released), or undefined. */
  fenceProblem(key: string, fence: NonNullable<AppendRequest['fence']>): string | undefined;
}

interface Held {
  /** Undefined once released. */
  owner: string | undefined;
  token: number;
  expiresAt: number;
}

/** In-process leases with fencing tokens that increase with every acquisition of a key. */
export function createMemoryLockProvider(options: MemoryLockOptions = {}): MemoryLockProvider {
  const clock = options.clock ?? Date.now;
  const keys = new Map<string, Held>();
  return {
    async acquire(key, owner, ttlMs) {
      const now = clock();
      const held = keys.get(key);
      if (held && held.owner !== undefined && held.expiresAt > now) return undefined;
      const next: Held = { owner, token: (held?.token ?? 0) + 1, expiresAt: now + ttlMs };
      keys.set(key, next);
      return { key, owner, token: next.token, expiresAt: next.expiresAt };
    },
    async renew(lease, ttlMs) {
      const now = clock();
      const held = keys.get(lease.key);
      if (!held || held.owner !== lease.owner || held.token !== lease.token || held.expiresAt <= now) return false;
      held.expiresAt = now + ttlMs;
      return true;
    },
    async release(lease) {
      const held = keys.get(lease.key);
      if (!held || held.owner !== lease.owner || held.token !== lease.token) return;
      held.owner = undefined;
      held.expiresAt = 0;
    },
    fenceProblem(key, fence) {
      const held = keys.get(key);
      if (!held) return `no lease was ever granted on "${key}"`;
      if (held.token !== fence.token) return `lease ${fence.token} on "${key}" was superseded by lease ${held.token}`;
      if (held.owner === undefined) return `lease ${fence.token} on "${key}" was released`;
      if (held.owner !== fence.owner) return `lease ${fence.token} on "${key}" is not held by ${fence.owner}`;
      return undefined;
    },
    async close() {},
  };
}
