import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Inspector } from '../inspect/inspector.js';
import { errorBody, sendJson } from './api-errors.js';
import { handleApi } from './api-routes.js';
import { LiveFeed } from './live-feed.js';
import { StaticFiles } from './static-files.js';
import { checkListenAddress, hostHeaderAllowed, tokenCookie, tokenMatches, tokenOf } from './ui-access.js';

/** A host that runs forked instances: a started `WorkflowHost` on the inspector's store, with the definitions registered. */
export interface UiHost {
  readonly hostId: string;
}

export interface UiServerOptions {
  /** What the pages read (and the only thing that writes: fork). */
  readonly inspector: Inspector;
  /** Runs forks live; without one the page says that a fork waits for a host with its definition. */
  readonly host?: UiHost;
  /** Where the app is mounted (default `/`), e.g. `/wfe/` inside an application's server. */
  readonly basePath?: string;
  /** Required on every request when set (`?token=` once, then a cookie, or `Authorization: Bearer`). Needed to listen beyond loopback. */
  readonly token?: string;
  /**
   * Answer requests for names other than loopback ones (default false: a page whose DNS name was
   * rebound to 127.0.0.1 is refused). `listen` beyond loopback also needs a token; an application
   * that mounts `handle` and guards access itself may set this alone.
   */
  readonly allowRemote?: boolean;
  /** What the page shows as the store (a file name or a URL without its password). */
  readonly storeLabel?: string;
  /** The built front end (default: the one in the package). */
  readonly assetsDir?: string;
  readonly version?: string;
  /** How long live changes are gathered before they are sent (default 200 ms). */
  readonly liveFlushMs?: number;
}

export interface UiListenOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1. Anything but loopback needs `allowRemote` and a token. */
  readonly host?: string;
}

/** The web debugger: a request handler to mount in an application, or its own server with `listen`. */
export interface UiServer {
  /** A Node request listener (for `http.createServer`, or an application's router at `basePath`). */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Listens on loopback (by default) and resolves with the page's address. */
  listen(options?: UiListenOptions): Promise<{ readonly url: string; readonly port: number }>;
  /** Ends live streams and stops listening; the inspector is the caller's to close. */
  close(): Promise<void>;
}

/**
 * The time-travel debugger's server: the built page, a JSON API over the inspector, and live
 * changes as server-sent events from `inspector.watch`. It reads unless the page makes an explicit
 * action (a confirmed fork); it listens on loopback unless told otherwise, and then only with a token.
 */
export function createUiServer(options: UiServerOptions): UiServer {
  const base = normaliseBase(options.basePath ?? '/');
  const live = new LiveFeed(options.inspector, options.liveFlushMs);
  const files = new StaticFiles(options.assetsDir, {
    base,
    canFork: options.host !== undefined,
    store: options.storeLabel ?? '',
    version: options.version ?? '',
  });
  const ctx = { inspector: options.inspector, live, ...(options.host ? { hostId: options.host.hostId } : {}) };
  let server: Server | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res).catch((error: unknown) => {
      const { status, body } = errorBody(error);
      if (!res.headersSent) sendJson(res, status, body);
      else res.end();
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Routers that strip their mount path (Express's app.use) keep the whole path in originalUrl.
    const url = new URL((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://wfe.invalid');
    if (!hostHeaderAllowed(req, options.token !== undefined || options.allowRemote === true)) {
      return sendJson(res, 421, { error: { code: 'FORBIDDEN', message: `this debugger answers only to loopback names, not ${req.headers.host ?? 'no Host header'}` } });
    }
    if (!url.pathname.startsWith(base) && url.pathname !== base.slice(0, -1)) {
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `nothing at ${url.pathname} (the debugger is at ${base})` } });
    }
    if (options.token !== undefined) {
      const presented = tokenOf(req, url);
      if (!tokenMatches(presented, options.token)) {
        return sendJson(res, 401, { error: { code: 'UNAUTHORISED', message: 'this debugger needs its token: open the address wfe ui printed (with ?token=...)' } });
      }
      if (url.searchParams.has('token')) {
        url.searchParams.delete('token');
        res.writeHead(303, { location: url.pathname + url.search, 'set-cookie': tokenCookie(options.token, base) });
        return void res.end();
      }
    }
    const path = url.pathname.slice(base.length);
    if (path.startsWith('api/')) return handleApi(ctx, path.slice(4), url, req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method ?? ''} is not allowed here` } });
    if (path.startsWith('static/')) {
      if (!files.sendFile(path, res)) sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no file ${path}` } });
      return;
    }
    files.sendIndex(res);
  }

  return {
    handle,
    async listen(listen: UiListenOptions = {}) {
      const host = listen.host ?? '127.0.0.1';
      checkListenAddress(host, { ...(options.allowRemote !== undefined ? { allowRemote: options.allowRemote } : {}), ...(options.token ? { token: options.token } : {}) });
      const s = createServer(handle);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(listen.port ?? 0, host, () => resolve());
      });
      const port = (s.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host;
      const token = options.token ? `?token=${encodeURIComponent(options.token)}` : '';
      return { url: `http://${shown}:${port}${base}${token}`, port };
    },
    async close() {
      live.close();
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

function normaliseBase(path: string): string {
  const trimmed = `/${path}/`.replace(/\/{2,}/g, '/');
  if (!/^\/[\w\-./]*$/.test(trimmed)) throw new RangeError(`basePath ${JSON.stringify(path)}: expected a path such as /wfe/`);
  return trimmed;
}
