import type * as IORedis from 'ioredis';
import type { Redis, RedisOptions } from 'ioredis';
import { WfeError, isWfeError } from '../../domain/errors.js';
import { requirePeer } from '../shared/require-peer.js';

/** How a Redis adapter reaches the server: a client of yours, or a URL (the adapter owns that client). */
export interface RedisConnectionOptions {
  /** An ioredis client you own: used as is, never closed by the adapter. */
  readonly client?: Redis;
  /** `redis://[:password@]host:port[/db]`; the adapter connects and closes the client. */
  readonly url?: string;
  /** Extra ioredis options for the client made from `url`. */
  readonly redisOptions?: RedisOptions;
  /** Prefix of every key (default `wfe:`): deployments sharing a server use different ones. */
  readonly prefix?: string;
}

/** A connected client shared by the Redis ports. */
export interface RedisConnection {
  readonly client: Redis;
  readonly prefix: string;
  /** `host:port/db`, for messages (no password). */
  readonly target: string;
  /**
   * Count one more user of the client; the returned function (idempotent) gives it back. An owned
   * client is closed when its last user gives it back.
   */
  retain(): () => Promise<void>;
}

function shared(client: Redis, owned: boolean, prefix: string, target: string): RedisConnection {
  let users = 0;
  return {
    client,
    prefix,
    target,
    retain() {
      users++;
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        if (--users === 0 && owned) await client.quit().catch(() => client.disconnect());
      };
    },
  };
}

/** `host:port/db` of a URL, never its password. */
export function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || 6379}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'the configured Redis server';
  }
}

/**
 * Connect (or adopt `client`). A server that cannot be reached is `WfeError('STORE_UNAVAILABLE')`
 * at once, naming host and port, never the password; later outages are retried by ioredis.
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  const prefix = options.prefix ?? 'wfe:';
  if (options.client) {
    const o = options.client.options;
    return shared(options.client, false, prefix, `${o.host ?? 'localhost'}:${o.port ?? 6379}/${o.db ?? 0}`);
  }
  if (!options.url) throw new TypeError('a Redis adapter needs a client or a url');
  const target = redisTarget(options.url);
  const { Redis: RedisClient } = requirePeer<typeof IORedis>('ioredis', 'wfe/redis');
  const client = new RedisClient(options.url, { lazyConnect: true, maxRetriesPerRequest: 3, ...options.redisOptions });
  let last: unknown;
  // ioredis reports connection failures as 'error' events while it reconnects: keep the last one
  // for the message, and keep an unhandled event from crashing the process.
  client.on('error', (e: unknown) => {
    last = e;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    const reason = (last ?? e) instanceof Error ? ((last ?? e) as Error).message : String(last ?? e);
    throw new WfeError('STORE_UNAVAILABLE', `Redis at ${target} is unavailable: ${scrub(reason, options.url)}`, { target });
  }
  return shared(client, true, prefix, target);
}

function scrub(message: string, url: string): string {
  try {
    const pw = decodeURIComponent(new URL(url).password);
    return pw ? message.split(pw).join('***') : message;
  } catch {
    return message;
  }
}

/** Redis replies to a bad script or command are bugs; everything else means the server is unreachable. */
export function toRedisStoreError(e: unknown, action: string, target: string): unknown {
  if (isWfeError(e)) return e;
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'ReplyError') return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new WfeError('STORE_UNAVAILABLE', `Redis at ${target} is unavailable while ${action}: ${reason}`, { target });
}
