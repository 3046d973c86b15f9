import { userInfo } from 'node:os';
import { createInspector, type InspectorOptions, type StoreInspector } from '../inspect/create-inspector.js';
import { readKeyFile } from '../log/signing.js';
import { CliError } from './cli-error.js';
import { DEFAULT_DB, isPostgresUrl, openExistingStore, type OpenStore } from './open-store.js';

/** Options every inspecting command takes. */
export interface StoreOptions {
  readonly db?: string;
  readonly json?: boolean;
  readonly actor?: string;
  readonly reason?: string;
  /** Ed25519 private key file (PEM): sign what the command appends. */
  readonly key?: string;
}

/** Who acts: `--actor`, else the OS user. */
export function actorOf(options: { actor?: string }): string {
  if (options.actor !== undefined) {
    if (options.actor.trim() === '') throw new CliError('--actor must not be empty');
    return options.actor;
  }
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Open the store named by `--db`, make an inspector on it, run `fn`, close. */
export async function withInspector(options: StoreOptions, fn: (inspector: StoreInspector, store: OpenStore, db: string) => Promise<number>, extra: InspectorOptions = {}): Promise<number> {
  const db = options.db ?? DEFAULT_DB;
  const store = await openExistingStore(db);
  const inspector = createInspector(store, { actor: actorOf(options), ...(isPostgresUrl(db) ? {} : { sqlitePath: db }), ...(options.key ? { signingKey: readKeyFile(options.key, 'private') } : {}), ...extra });
  try {
    return await fn(inspector, store, db);
  } finally {
    await inspector.close();
    await store.close();
  }
}

/** A version option: a positive integer (range checked against the instance later). */
export function versionOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new CliError(`${option} ${JSON.stringify(text)}: expected a version number`);
  return Number(text);
}

/** JSON to stdout, one document. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
