import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistoryEntry, Inspector } from '../inspect/inspector.js';
import { ApiError, sendJson } from './api-errors.js';
import { forkOptionsOf, readJsonBody, searchQueryOf, versionParam } from './api-request.js';
import type { LiveFeed } from './live-feed.js';
import { sameOriginWrite } from './ui-access.js';

/** What the API needs: the inspector, the live feed, and whether a host runs forks here. */
export interface ApiContext {
  readonly inspector: Inspector;
  readonly live: LiveFeed;
  readonly hostId?: string;
}

/** A history entry without its event body (the timeline's row; `GET …/events/:v` has the whole entry). */
export type TimelineRow = Omit<HistoryEntry, 'event'>;

const rowOf = ({ event: _event, ...row }: HistoryEntry): TimelineRow => row;

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, 'INVALID_ARGUMENT', `the instance id in the address is not readable: ${raw}`);
  }
}

/**
 * The JSON API under `api/` (paths relative to the base). GETs only read; the two POSTs are the
 * page's explicit actions: what-if (a sandbox, writes nothing) and fork (needs `confirmed: true`
 * and an actor, recorded on the new instance).
 */
export async function handleApi(ctx: ApiContext, path: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { inspector } = ctx;
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === 'instances') return sendJson(res, 200, await inspector.search(searchQueryOf(url)));
  if (method === 'GET' && path === 'counts') return sendJson(res, 200, await inspector.counts());
  if (method === 'GET' && path === 'live') return ctx.live.attach(res, url.searchParams.get('instance') ?? undefined);

  const m = /^instances\/([^/]+)(?:\/([a-z-]+)(?:\/(\d+))?)?$/.exec(path);
  if (!m) throw new ApiError(404, 'NOT_FOUND', `no API ${method} ${path}`);
  const id = decodeId(m[1]!);
  const action = m[2] ?? 'state';

  if (method === 'POST') {
    const refused = sameOriginWrite(req);
    if (refused) throw new ApiError(403, 'FORBIDDEN', refused);
    if (action === 'what-if') {
      const { confirmed: _c, ...options } = forkOptionsOf(await readJsonBody(req), false);
      const result = await inspector.whatIf(id, options);
      return sendJson(res, 200, { ...result, history: result.history.map(rowOf) });
    }
    if (action === 'fork') {
      const { confirmed, ...options } = forkOptionsOf(await readJsonBody(req), true);
      if (!confirmed) throw new ApiError(400, 'NOT_CONFIRMED', 'a fork writes a new instance: confirm it (confirmed: true)');
      const forked = await inspector.fork(id, { ...options, reason: options.reason ?? `forked from ${id} at version ${options.atVersion} in the web debugger` });
      return sendJson(res, 201, { ...forked, runs: ctx.hostId !== undefined });
    }
    throw new ApiError(404, 'NOT_FOUND', `no API POST ${path}`);
  }
  if (method !== 'GET') throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`);

  const v = versionParam(url);
  switch (action) {
    case 'state':
      return sendJson(res, 200, await inspector.stateAt(id, v));
    case 'history':
      return sendJson(res, 200, (await inspector.history(id)).map(rowOf));
    case 'events': {
      const version = Number(m[3]);
      const entry = (await inspector.history(id)).find((e) => e.version === version);
      if (!entry) throw new ApiError(404, 'INVALID_ARGUMENT', `instance ${id} has no version ${m[3] ?? ''}`);
      return sendJson(res, 200, entry);
    }
    case 'diff': {
      const to = versionParam(url, 'to') ?? v;
      if (to === undefined) throw new ApiError(400, 'INVALID_ARGUMENT', 'diff needs ?to=VERSION');
      return sendJson(res, 200, await inspector.diff(id, versionParam(url, 'from') ?? to - 1, to));
    }
    case 'explain':
      return sendJson(res, 200, await inspector.explain(id, v));
    case 'graph':
      return sendJson(res, 200, await inspector.graph(id, v));
    case 'verify':
      return sendJson(res, 200, await inspector.verify(id));
    default:
      throw new ApiError(404, 'NOT_FOUND', `no API GET ${path}`);
  }
}
