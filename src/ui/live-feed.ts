import type { ServerResponse } from 'node:http';
import type { Inspector } from '../inspect/inspector.js';

/** One instance that got new events, as sent to the page. */
export interface LiveChange {
  readonly instanceId: string;
  readonly version: number;
}

interface Client {
  readonly res: ServerResponse;
  /** Only this instance's changes, when set. */
  readonly instanceId?: string;
}

/**
 * Server-sent events fed by `inspector.watch` (the log, not a polling loop): changes are gathered
 * for `flushMs` and sent as one `changes` message per client (the newest version per instance), so
 * a burst of appends costs the page one refresh. A comment line every `heartbeatMs` keeps proxies
 * from closing an idle stream and lets the page notice a lost connection.
 */
export class LiveFeed {
  private readonly clients = new Set<Client>();
  private pending = new Map<string, number>();
  private unwatch: (() => void) | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly inspector: Pick<Inspector, 'watch'>,
    private readonly flushMs = 200,
    heartbeatMs = 15_000,
  ) {
    this.heartbeat = setInterval(() => this.broadcastRaw(': ping\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Attach a response as an event stream until the client goes away. */
  attach(res: ServerResponse, instanceId?: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    res.write(`event: hello\ndata: ${JSON.stringify({ watching: instanceId ?? 'all' })}\n\n`);
    const client: Client = instanceId ? { res, instanceId } : { res };
    this.clients.add(client);
    this.unwatch ??= this.inspector.watch((change) => this.queue(change));
    res.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stopWatching();
    });
  }

  /** How many pages are listening. */
  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (the page shows the connection as lost and retries). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    this.stopWatching();
  }

  private stopWatching(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending.clear();
  }

  private queue(change: LiveChange): void {
    const known = this.pending.get(change.instanceId);
    if (known === undefined || change.version > known) this.pending.set(change.instanceId, change.version);
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const changes = [...this.pending].map(([instanceId, version]) => ({ instanceId, version }));
    this.pending = new Map();
    if (!changes.length) return;
    for (const c of this.clients) {
      const mine = c.instanceId ? changes.filter((x) => x.instanceId === c.instanceId) : changes;
      if (mine.length) c.res.write(`event: changes\ndata: ${JSON.stringify(mine)}\n\n`);
    }
  }

  private broadcastRaw(text: string): void {
    for (const c of this.clients) c.res.write(text);
  }
}
