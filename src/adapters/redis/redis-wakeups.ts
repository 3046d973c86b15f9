import type { WakeupChannel } from '../../ports/persistence.js';
import { connectRedis, toRedisStoreError, type RedisConnection, type RedisConnectionOptions } from './redis-connection.js';

/** A wakeup channel on Redis pub/sub; `listening()` resolves once SUBSCRIBE is in place. */
export interface RedisWakeups extends WakeupChannel {
  listening(): Promise<void>;
}

/**
 * Idle hosts wake on a PUBLISH to `<prefix>wakeup`. The subscription uses its own connection (a
 * subscribed Redis connection can do nothing else), opened while anyone listens; ioredis
 * resubscribes after a reconnect, and then everyone is woken once for what was missed.
 */
export async function createRedisWakeups(options: RedisConnectionOptions): Promise<RedisWakeups> {
  return redisWakeups(await connectRedis(options));
}

/** {@link createRedisWakeups} on a connection already made (shared by the Redis ports). */
export function redisWakeups(conn: RedisConnection): RedisWakeups {
  const channel = `${conn.prefix}wakeup`;
  const listeners = new Set<() => void>();
  let sub: ReturnType<RedisConnection['client']['duplicate']> | undefined;
  let up: Promise<void> | undefined;
  let closed = false;
  const done = conn.retain();

  const fire = (): void => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch {
        // A listener's failure is its own; the others still wake.
      }
    }
  };

  const start = (): Promise<void> => {
    if (up) return up;
    const s = conn.client.duplicate();
    sub = s;
    let ready = 0;
    s.on('error', () => {});
    s.on('message', (ch: string) => {
      if (ch === channel) fire();
    });
    s.on('ready', () => {
      // The first 'ready' is the initial connection; later ones follow a reconnect.
      if (++ready > 1) fire();
    });
    up = s.subscribe(channel).then(() => undefined);
    up.catch(() => {});
    return up;
  };

  const stop = (): void => {
    const s = sub;
    sub = undefined;
    up = undefined;
    s?.disconnect();
  };

  return {
    async notify() {
      try {
        await conn.client.publish(channel, '');
      } catch (e) {
        throw toRedisStoreError(e, 'notifying hosts', conn.target);
      }
    },
    onWakeup(listener) {
      listeners.add(listener);
      if (!closed) void start().catch(() => {});
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    async listening() {
      if (!closed && listeners.size > 0) await start();
    },
    async close() {
      closed = true;
      listeners.clear();
      stop();
      await done();
    },
  };
}
