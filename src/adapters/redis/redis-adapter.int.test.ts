import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import { describeWith, dropRedisPrefix, uniqueSuffix } from '../../../test/setup/integration.js';
import { createRedisCoordination, createRedisLock, createRedisWakeups, createRedisWorkQueue } from './index.js';

const T = 1_704_067_200_000;
const eventually = async (pred: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
};

describeWith('redis', 'Redis adapters on a real server', (url) => {
  let admin: Redis;
  const prefix = `adapter-${uniqueSuffix()}:`;
  beforeAll(() => {
    admin = new Redis(url);
  });
  afterAll(async () => {
    await dropRedisPrefix(admin, prefix);
    await admin.quit();
  });

  it('an unreachable server is STORE_UNAVAILABLE at once, without the password', async () => {
    const e = (await createRedisLock({ url: 'redis://:hunter2-pw@127.0.0.1:1/0' }).catch((err: unknown) => err)) as Error;
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toContain('127.0.0.1:1');
    expect(e.message).not.toContain('hunter2-pw');
  });

  it('hands each entry to exactly one of several hosts claiming on their own connections', async () => {
    const p = `${prefix}race-`;
    const hosts = await Promise.all(Array.from({ length: 4 }, () => createRedisWorkQueue({ url, prefix: p })));
    try {
      await hosts[0]!.enqueue(Array.from({ length: 200 }, (_, i) => ({ instanceId: `i${i}`, dueAt: T + i })));
      const got: string[][] = hosts.map(() => []);
      await Promise.all(
        hosts.map(async (q, h) => {
          for (;;) {
            const ids = await q.claim(`h${h}`, T + 1000, 7, 60_000);
            if (ids.length === 0) return;
            got[h]!.push(...ids);
            await q.release(`h${h}`, ids.map((instanceId) => ({ instanceId })));
          }
        }),
      );
      const all = got.flat();
      expect(all).toHaveLength(200);
      expect(new Set(all).size).toBe(200);
      expect(await hosts[0]!.nextDueAt()).toBeUndefined();
    } finally {
      await Promise.all(hosts.map((q) => q.close()));
    }
  });

  it("gives a crashed host's claims to another host once their lease has run out", async () => {
    const p = `${prefix}crash-`;
    const crashing = await createRedisWorkQueue({ url, prefix: p });
    await crashing.enqueue([{ instanceId: 'a', dueAt: T }, { instanceId: 'b', dueAt: T + 1 }]);
    expect(await crashing.claim('dead-host', T + 10, 10, 30_000)).toEqual(['a', 'b']);
    await crashing.close(); // the host dies without releasing
    const survivor = await createRedisWorkQueue({ url, prefix: p });
    try {
      expect(await survivor.claim('survivor', T + 29_000, 10, 30_000)).toEqual([]);
      expect(await survivor.nextDueAt()).toBe(T + 30_010);
      expect(await survivor.claim('survivor', T + 30_010, 10, 30_000)).toEqual(['a', 'b']);
      await survivor.release('dead-host', [{ instanceId: 'a' }]);
      await survivor.release('survivor', [{ instanceId: 'a' }, { instanceId: 'b', nextDueAt: T + 99_000 }]);
      expect(await survivor.nextDueAt()).toBe(T + 99_000);
    } finally {
      await survivor.close();
    }
  });

  it('keeps fencing tokens increasing across hosts and reports stale fences', async () => {
    let now = T;
    const p = `${prefix}fence-`;
    const a = await createRedisLock({ url, prefix: p, clock: () => now });
    const b = await createRedisLock({ url, prefix: p, clock: () => now });
    try {
      const first = (await a.acquire('inst', 'A', 1000))!;
      expect(await b.acquire('inst', 'B', 1000)).toBeUndefined();
      now += 1000;
      const second = (await b.acquire('inst', 'B', 1000))!;
      expect(second.token).toBeGreaterThan(first.token);
      expect(await a.renew(first, 1000)).toBe(false);
      const problems = await a.fenceProblems([
        { key: 'inst', owner: 'A', token: first.token },
        { key: 'inst', owner: 'B', token: second.token },
        { key: 'never', owner: 'A', token: 1 },
      ]);
      expect(problems[0]).toMatch(/held by B/);
      expect(problems[1]).toBeUndefined();
      expect(problems[2]).toMatch(/no lease/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('wakes listeners on other connections, and again after its subscription connection is killed', async () => {
    const p = `${prefix}wake-`;
    const listener = await createRedisWakeups({ url, prefix: p });
    const notifier = await createRedisWakeups({ url, prefix: p });
    try {
      let woken = 0;
      const off = listener.onWakeup(() => woken++);
      await listener.listening();
      await notifier.notify();
      await eventually(() => woken === 1, 'the wakeup');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await eventually(() => woken === 2, 'the wake after resubscribing');
      await new Promise((r) => setTimeout(r, 50));
      await notifier.notify();
      await eventually(() => woken === 3, 'a wakeup after the reconnect');
      off();
      await notifier.notify();
      await new Promise((r) => setTimeout(r, 100));
      expect(woken).toBe(3);
    } finally {
      await Promise.all([listener.close(), notifier.close()]);
    }
  });

  it('shares one connection between lock, queue and wakeups, closed with the last of them', async () => {
    const c = await createRedisCoordination({ url, prefix: `${prefix}shared-`, clock: () => T });
    await c.queue.enqueue([{ instanceId: 'x', dueAt: T }]);
    expect(await c.lock.acquire('x', 'h', 100)).toMatchObject({ token: 1 });
    await c.lock.close();
    expect(await c.queue.claim('h', T, 1, 100)).toEqual(['x']);
    await c.close();
  });
});
