import type { Client } from 'pg';
import { loadPg } from './load-pg.js';
import type { PostgresWakeups } from './postgres-persistence-options.js';
import { run, type PgContext, type Statement } from './pg-context.js';
import { notifySql } from './sql/notify.js';


/** Reconnect delays after the listening connection is lost: 100 ms doubling up to 5 s. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * Idle hosts wake on `NOTIFY` instead of polling. One dedicated connection (outside the pool)
 * LISTENs while anyone is subscribed; when it drops it reconnects and wakes everyone once, since
 * notifications sent meanwhile were lost.
 */
export function createPostgresWakeups(ctx: PgContext): PostgresWakeups {
  const channel = `wfe_wakeup_${ctx.schemaName}`.slice(0, 63);
  const notify: Statement = { name: `wfe.${ctx.schemaName}.notify`, text: notifySql() };
  const listeners = new Set<() => void>();
  let client: Client | undefined;
  let up: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 100;
  let closed = false;

  const fire = (): void => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch {
        // A listener's failure is its own; the others still wake.
      }
    }
  };

  const lost = (c: Client): void => {
    if (client !== c) return;
    client = undefined;
    up = undefined;
    c.end().catch(() => {});
    if (closed || listeners.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      start(true).catch(() => {});
    }, delay);
    delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
  };

  const start = (reconnect: boolean): Promise<void> => {
    if (up) return up;
    const c = new (loadPg().Client)(ctx.pool.options);
    client = c;
    c.on('notification', (n) => {
      if (n.channel === channel) fire();
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    up = (async () => {
      try {
        await c.connect();
        await c.query(`LISTEN "${channel}"`);
      } catch (e) {
        lost(c);
        throw e;
      }
      delay = 100;
      if (reconnect) fire();
    })();
    return up;
  };

  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const c = client;
    client = undefined;
    up = undefined;
    c?.end().catch(() => {});
  };

  return {
    async notify() {
      await run(ctx, 'notifying hosts', notify, [channel]);
    },
    onWakeup(listener) {
      listeners.add(listener);
      if (!closed && !client && !timer) start(false).catch(() => {});
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    async listening() {
      if (closed || listeners.size === 0) return;
      await (up ?? start(false));
    },
    async close() {
      closed = true;
      listeners.clear();
      stop();
    },
  };
}
