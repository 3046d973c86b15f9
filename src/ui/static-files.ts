import { readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

/** The built front end (`npm run build:ui` writes it; it is committed, so `wfe ui` needs no build). */
export const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/** What the page is told about its server, in the HTML (no extra request before the first paint). */
export interface PageConfig {
  readonly base: string;
  readonly canFork: boolean;
  readonly store: string;
  readonly version: string;
}

/** Serves the front end: files under `static/`, and index.html (with the page config) for every page path. */
export class StaticFiles {
  private readonly files = new Map<string, Buffer>();
  private readonly index: string;

  constructor(
    private readonly dir: string = ASSETS_DIR,
    config: PageConfig,
  ) {
    let html: string;
    try {
      html = readFileSync(join(dir, 'index.html'), 'utf8');
    } catch {
      throw new Error(`the debugger's page is missing from ${dir} (run npm run build:ui)`);
    }
    // `<` escaped so that no value can close the script element.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    this.index = html
      .replace('<head>', `<head>\n    <base href="${config.base.replace(/"/g, '&quot;')}">`)
      .replace('<!--wfe-config-->', `<script id="wfe-config" type="application/json">${json}</script>`);
  }

  /** The page for any page path (the front end routes it). */
  sendIndex(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': TYPES['.html']!,
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(this.index);
  }

  /** A file under `static/`; false when there is none (the caller answers 404). */
  sendFile(relative: string, res: ServerResponse): boolean {
    const path = normalize(join(this.dir, relative));
    if (!path.startsWith(this.dir.endsWith(sep) ? this.dir : this.dir + sep)) return false;
    let body = this.files.get(path);
    if (!body) {
      try {
        body = readFileSync(path);
      } catch {
        return false;
      }
      this.files.set(path, body);
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
    return true;
  }
}
