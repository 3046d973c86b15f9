// Where the page is: the route from the address, relative to the base the server gave.
import { pageConfig } from './api';

export const config = pageConfig();

/** The page's route, relative to the base the server gave. */
export interface Route {
  readonly page: 'instances' | 'instance' | 'unknown';
  readonly instanceId?: string;
  readonly params: URLSearchParams;
}

export function currentRoute(): Route {
  const baseUrl = new URL(config.base, location.origin);
  const rest = location.pathname.startsWith(baseUrl.pathname) ? location.pathname.slice(baseUrl.pathname.length) : location.pathname;
  const params = new URLSearchParams(location.search);
  if (rest === '' || rest === 'instances') return { page: 'instances', params };
  const m = /^instances\/([^/]+)$/.exec(rest);
  if (m) {
    try {
      return { page: 'instance', instanceId: decodeURIComponent(m[1]!), params };
    } catch {
      return { page: 'unknown', params };
    }
  }
  return { page: 'unknown', params };
}

/** Go to a page of the debugger (a path relative to the base, e.g. `instances/ID?v=3`). */
export function navigate(path: string, replace = false): void {
  const url = new URL(path, new URL(config.base, location.origin)).toString();
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event('wfe:navigate'));
}

