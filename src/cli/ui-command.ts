import { randomBytes } from 'node:crypto';
import { createInspector } from '../inspect/create-inspector.js';
import { createUiServer } from '../ui/ui-server.js';
import { isLoopback } from '../ui/ui-access.js';
import { CliError, EXIT } from './cli-error.js';
import { isPostgresUrl, openExistingStore } from './open-store.js';
import type { ProgramIo } from './program.js';
import { trustFrom } from './verify-command.js';

/** Options of `wfe ui`. */
export interface UiOptions {
  readonly db: string;
  readonly port?: string;
  readonly host?: string;
  readonly allowRemote?: boolean;
  readonly token?: string;
  /** The signing key (PEM): the page's chain check verifies every signature and that each head is signed. */
  readonly publicKey?: string;
  /** An anchor made by `wfe anchor`: the page's chain check also requires each anchored head. */
  readonly anchor?: string;
}

/** A connection URL as shown to people: without its password. */
export function storeLabel(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const u = new URL(db);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'a PostgreSQL database';
  }
}

/**
 * `wfe ui`: serves the web time-travel debugger over the store until Ctrl-C. It reads; the only
 * write is a fork the page confirms. It runs no host: forks wait for a host with their definition.
 */
export async function uiCommand(opts: UiOptions, io: ProgramIo, version: string): Promise<number> {
  const port = opts.port === undefined ? 4680 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${opts.port ?? ''}: expected a port number (0-65535; 0 picks a free one)`);
  const host = opts.host ?? '127.0.0.1';
  const remote = !isLoopback(host);
  if (remote && !opts.allowRemote) throw new CliError(`--host ${host} is not loopback: add --allow-remote to listen there (a token then guards every request)`);
  const token = opts.token ?? process.env.WFE_UI_TOKEN ?? (remote ? randomBytes(24).toString('base64url') : undefined);
  if (token !== undefined && token.length < 16) throw new CliError('--token: use at least 16 characters');

  const trust = trustFrom(opts); // read before the store opens: a bad key or anchor file is refused at once
  const store = await openExistingStore(opts.db);
  const inspector = createInspector(store, { ...trust, ...(isPostgresUrl(opts.db) ? {} : { sqlitePath: opts.db }) });
  const ui = createUiServer({ inspector, storeLabel: storeLabel(opts.db), version, allowRemote: remote, ...(token ? { token } : {}) });
  try {
    let url: string;
    try {
      ({ url } = await ui.listen({ port, host }));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is in use: choose another with --port (0 picks a free one)`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`--host ${host}: no such address on this machine`);
      throw e;
    }
    io.stdout.write(`wfe ui: the debugger for ${storeLabel(opts.db)} is at ${url}\n`);
    if (remote) io.stdout.write(`listening on ${host}: only people given the token in that address can open it\n`);
    io.stdout.write('read-only but for forks you confirm in the page; Ctrl-C stops it\n');
    await (io.interrupted ?? new Promise<void>(() => undefined));
    return EXIT.ok;
  } finally {
    await ui.close();
    await inspector.close();
    await store.close();
  }
}
