import { randomUUID } from 'node:crypto';
import { validatePublishArgs } from '../domain/validate-args.js';
import { publishToStore } from '../runtime/publish.js';
import { CliError } from './cli-error.js';
import { parseJson } from './cli-input.js';
import { DEFAULT_DB, openExistingStore } from './open-store.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe publish`. */
export interface PublishOptions {
  readonly db?: string;
  /** The payload, as JSON (default null). */
  readonly data?: string;
  /** Only waits as of this time or earlier receive it: ms since the epoch or an ISO date (default: now). */
  readonly effectiveAt?: string;
}

function effectiveTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(t)) throw new CliError(`--effective-at: expected ms since the epoch or an ISO date, got '${text}'`);
  return t;
}

/**
 * `wfe publish NAME KEY [--data JSON] [--db PATH]`: publish an event for the `type: wait` steps
 * (and builder `waitFor`s) waiting on that name and key, now or later.
 */
export async function publishCommand(name: string, key: string, options: PublishOptions, out: TextOut): Promise<number> {
  const data = options.data === undefined ? null : parseJson(options.data, '--data');
  const args = validatePublishArgs(name, key, data, effectiveTime(options.effectiveAt));
  const db = options.db ?? DEFAULT_DB;
  const store = await openExistingStore(db);
  try {
    const id = randomUUID();
    const waiting = await publishToStore(store, args, Date.now(), id);
    out.write(`published ${args.name}/${args.key} (event ${id}); ${waiting === 1 ? '1 workflow waits' : `${waiting} workflows wait`} for it now\n`);
    return 0;
  } finally {
    await store.close();
  }
}
