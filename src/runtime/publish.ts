import type { PublishArgs } from '../domain/validate-args.js';
import type { Persistence } from '../ports/persistence.js';

/**
 * Publish an event to the stores: keep it, queue every instance subscribed to its name and key, and
 * wake other hosts. Needs no running host, so `wfe publish` uses it too (a host would also claim and
 * run instances whose step code that process does not have). Returns how many waits were subscribed.
 */
export async function publishToStore(p: Pick<Persistence, 'events' | 'queue' | 'wakeups'>, args: PublishArgs, now: number, id: string): Promise<number> {
  await p.events.publish({ id, name: args.name, key: args.key, data: args.data, effectiveAt: args.effectiveAt ?? now, publishedAt: now });
  const subs = await p.events.subscribers(args.name, args.key);
  if (subs.length > 0) await p.queue.enqueue(subs.map((s) => ({ instanceId: s.instanceId, dueAt: now })));
  if (subs.length > 0) await p.wakeups?.notify().catch(() => undefined);
  return subs.length;
}
