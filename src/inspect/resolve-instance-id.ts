import { WfeError } from '../domain/errors.js';
import type { Persistence } from '../ports/persistence.js';

/**
 * An instance id from what a person typed: the id itself, or a prefix of exactly one indexed
 * instance. UNKNOWN_INSTANCE when nothing matches, INVALID_ARGUMENT listing the candidates when
 * several do.
 */
export async function resolveInstanceId(p: Pick<Persistence, 'log' | 'instances'>, text: string): Promise<string> {
  if (text === '') throw new WfeError('INVALID_ARGUMENT', 'an instance id must not be empty', { argument: 'instanceId' });
  if ((await p.log.streamVersion(text)) > 0) return text;
  const matches: string[] = [];
  // Ids starting with `text` sort at or after it; start just before the shortest prefix.
  let after: string | undefined = text.length > 1 ? text.slice(0, -1) : undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await p.instances.list(after, 500);
    let past = false;
    for (const row of page) {
      if (row.instanceId.startsWith(text)) matches.push(row.instanceId);
      else if (row.instanceId > text) past = true;
      if (matches.length > 5 || past) break;
    }
    if (past || matches.length > 5 || page.length < 500) break;
    after = page[page.length - 1]!.instanceId;
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${text} (nor one whose id starts with it)`, { instanceId: text });
  throw new WfeError('INVALID_ARGUMENT', `${text} is ambiguous: ${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}`, { argument: 'instanceId', candidates: matches });
}
