import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Loopback interfaces: listening on one of these needs no token. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Where the server may listen: loopback by default; anything else needs `allowRemote` and a token. */
export function checkListenAddress(host: string, options: { allowRemote?: boolean; token?: string }): void {
  if (isLoopback(host)) return;
  if (!options.allowRemote) {
    throw new RangeError(`refusing to listen on ${host}: the debugger listens on loopback (127.0.0.1) unless allowRemote (wfe ui --allow-remote) says otherwise`);
  }
  if (!options.token || options.token.length < 16) {
    throw new RangeError(`listening on ${host} needs a token of at least 16 characters (--token or WFE_UI_TOKEN), so that only people given it can read the store`);
  }
}

/**
 * The `Host` header names this server (a loopback name, or any name when a token guards it):
 * a page on another site that rebinds its DNS name to 127.0.0.1 sends its own name and is refused.
 */
export function hostHeaderAllowed(req: IncomingMessage, guardedByToken: boolean): boolean {
  if (guardedByToken) return true;
  const header = req.headers.host ?? '';
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
  return isLoopback(name);
}

const COOKIE = 'wfe_ui_token';

/** The token a request carries: `Authorization: Bearer`, the cookie set by the first visit, or `?token=`. */
export function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return url.searchParams.get('token') ?? undefined;
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie that keeps a token-guarded page signed in after its first visit with `?token=`. */
export function tokenCookie(token: string, basePath: string): string {
  return `${COOKIE}=${encodeURIComponent(token)}; Path=${basePath}; HttpOnly; SameSite=Strict`;
}

/**
 * A write (POST) must come from this page: JSON content (a cross-site form cannot send it without
 * a preflight) and, when the browser says where it comes from, the same origin.
 */
export function sameOriginWrite(req: IncomingMessage): string | undefined {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) return 'a change must be sent as application/json';
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    try {
      if (new URL(origin).host !== req.headers.host) return `a change from another origin (${origin}) is refused`;
    } catch {
      return `a change from an unreadable origin (${origin}) is refused`;
    }
  }
  return undefined;
}
