import { describe, expect, it } from 'vitest';
import type { Lease, LockProvider } from '../../ports/lock.js';
import { type PortFactory, T0, usePort } from './harness.js';

/**
 * The LockProvider contract. The provider reads time from `ctx.clock`; a lease runs out at
 * `expiresAt` exactly. A held key is refused to everyone, its own owner included (no re-entry).
 * Renewing a lease that ran out fails, even if nobody took the key since.
 */
export function lockConformance(name: string, factory: PortFactory<LockProvider>): void {
  describe(`${name}: LockProvider conformance`, () => {
    const h = usePort(factory);
    const acquire = async (key: string, owner: string, ttl: number): Promise<Lease> => {
      const lease = await h.port.acquire(key, owner, ttl);
      if (!lease) throw new Error(`${owner} could not acquire ${key}`);
      return lease;
    };

    it('grants a lease with owner, key, a token and an expiry from the clock', async () => {
      const lease = await acquire('k', 'w1', 1000);
      expect(lease).toMatchObject({ key: 'k', owner: 'w1', expiresAt: T0 + 1000 });
      expect(Number.isInteger(lease.token)).toBe(true);
      expect(lease.token).toBeGreaterThan(0);
    });

    it('is exclusive while the lease holds, even for the same owner', async () => {
      await acquire('k', 'w1', 1000);
      expect(await h.port.acquire('k', 'w2', 1000)).toBeUndefined();
      expect(await h.port.acquire('k', 'w1', 1000)).toBeUndefined();
      h.clock.advance(999);
      expect(await h.port.acquire('k', 'w2', 1000)).toBeUndefined();
    });

    it('keeps keys independent', async () => {
      await acquire('a', 'w1', 1000);
      expect(await h.port.acquire('b', 'w2', 1000)).toMatchObject({ key: 'b', owner: 'w2' });
    });

    it('lets another owner in once the lease has run out, with a greater token', async () => {
      const first = await acquire('k', 'w1', 1000);
      h.clock.advance(1000);
      const second = await acquire('k', 'w2', 500);
      expect(second.expiresAt).toBe(T0 + 1500);
      expect(second.token).toBeGreaterThan(first.token);
    });

    it('increases the fencing token strictly with every acquisition of a key', async () => {
      const tokens: number[] = [];
      for (let i = 0; i < 6; i++) {
        const lease = await acquire('k', `w${i % 2}`, 100);
        tokens.push(lease.token);
        if (i % 2 === 0) await h.port.release(lease);
        else h.clock.advance(100);
      }
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]!);
    });

    it('renews a held lease, pushing its expiry out', async () => {
      const lease = await acquire('k', 'w1', 1000);
      h.clock.advance(800);
      expect(await h.port.renew(lease, 1000)).toBe(true);
      h.clock.set(T0 + 1000);
      expect(await h.port.acquire('k', 'w2', 1000)).toBeUndefined();
      h.clock.set(T0 + 1799);
      expect(await h.port.acquire('k', 'w2', 1000)).toBeUndefined();
      h.clock.set(T0 + 1800);
      expect(await h.port.acquire('k', 'w2', 1000)).toBeDefined();
    });

    it('fails to renew a lease that was lost', async () => {
      const lease = await acquire('k', 'w1', 1000);
      h.clock.advance(1000);
      expect(await h.port.renew(lease, 1000)).toBe(false);
      await acquire('k', 'w2', 1000);
      expect(await h.port.renew(lease, 1000)).toBe(false);
      // A renewal attempt by the loser does not disturb the new holder.
      h.clock.advance(10);
      expect(await h.port.acquire('k', 'w1', 1000)).toBeUndefined();
    });

    it('fails to renew a released lease', async () => {
      const lease = await acquire('k', 'w1', 1000);
      await h.port.release(lease);
      expect(await h.port.renew(lease, 1000)).toBe(false);
    });

    it('frees the key on release', async () => {
      const lease = await acquire('k', 'w1', 1000);
      await h.port.release(lease);
      const next = await acquire('k', 'w2', 1000);
      expect(next.token).toBeGreaterThan(lease.token);
    });

    it('ignores releasing a stale lease: the current holder keeps the key', async () => {
      const stale = await acquire('k', 'w1', 100);
      h.clock.advance(100);
      const current = await acquire('k', 'w2', 1000);
      await h.port.release(stale);
      expect(await h.port.acquire('k', 'w3', 1000)).toBeUndefined();
      expect(await h.port.renew(current, 1000)).toBe(true);
      await h.port.release({ ...current, token: current.token + 1 });
      expect(await h.port.acquire('k', 'w3', 1000)).toBeUndefined();
    });

    it('grants a key to exactly one of many racing owners', async () => {
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => h.port.acquire('race', `w${i}`, 1000)));
      expect(got.filter((l) => l !== undefined)).toHaveLength(1);
    });
  });
}
