import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { toRedisStoreError } from './redis-connection.js';

/** A Lua script run atomically on the server: EVALSHA, loading the script once when it is missing. */
export interface RedisScript {
  run(client: Redis, action: string, target: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/** Wrap one Lua script (one per file under `lua/`). */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(client, action, target, keys, args) {
      try {
        try {
          return await client.evalsha(sha, keys.length, ...keys, ...args);
        } catch (e) {
          if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
          return await client.eval(lua, keys.length, ...keys, ...args);
        }
      } catch (e) {
        throw toRedisStoreError(e, action, target);
      }
    },
  };
}
