import { randomUUID } from 'node:crypto';
import { validatePublishArgs, type PublishArgs } from '../domain/validate-args.js';
import type { Persistence } from '../ports/persistence.js';
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

/**
 * Publishes an event to the stores, as the host's `publishEvent` does: the event is kept, and every
 * instance subscribed to its name and key is queued, so the host that runs it (`wfe run` in another
 * shell, on the same `--db`) delivers it on its next look. No host is started here: a host would
 * also claim and run instances, whose step code this process does not have.
 */
export async function publishToStore(p: Persistence, args: PublishArgs, now: number, id: string): Promise<number> {
  await p.events.publish({ id, name: args.name, key: args.key, data: args.data, effectiveAt: args.effectiveAt ?? now, publishedAt: now });
  const subs = await p.events.subscribers(args.name, args.key);
  if (subs.length > 0) await p.queue.enqueue(subs.map((s) => ({ instanceId: s.instanceId, dueAt: now })));
  await p.wakeups?.notify().catch(() => undefined);
  return subs.length;
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
