import { either as E } from 'fp-ts';
import type { Command } from '../domain/commands.js';
import { decide } from '../domain/decide.js';
import { WfeError } from '../domain/errors.js';
import { fold } from '../domain/evolve.js';
import type { InstanceState } from '../domain/state.js';
import type { EventMeta } from '../ports/event-log.js';
import type { Persistence } from '../ports/persistence.js';
import { summarizeInstance } from '../projections/instance-summary.js';
import { readPrefix, storedDefinition } from './read-prefix.js';

/**
 * Apply an operator's command (suspend, resume, terminate, change data) to an instance in a store
 * without a host: decided on the checked log with the stored definition, queued (a host working on
 * the store picks a resumed instance up), appended with the expected version (a host that appended
 * meanwhile makes it CONCURRENCY_CONFLICT: nothing written; try again).
 */
export async function applyCommand(p: Persistence, instanceId: string, command: Command, meta: EventMeta, now: number, sign?: (lastHash: string) => string): Promise<InstanceState> {
  const { events } = await readPrefix(p.log, instanceId);
  const state = fold(undefined, events.map((e) => e.event));
  const definition = await storedDefinition(p.definitions, state.definitionId, state.definitionVersion);
  if (!definition) throw new WfeError('UNKNOWN_DEFINITION', `definition ${state.definitionId}@${state.definitionVersion} of instance ${instanceId} is not in the store`, { instanceId });
  const r = decide(definition, state, command, { now });
  if (E.isLeft(r)) throw new WfeError(r.left.code, `instance ${instanceId} (version ${state.version}): ${r.left.message}`, { ...r.left.details, instanceId, version: state.version });
  const summary = summarizeInstance(r.right.state, () => definition);
  await p.queue.enqueue([{ instanceId, dueAt: now }]);
  const [outcome] = await p.log.appendBatch([{ streamId: instanceId, expectedVersion: state.version, events: r.right.events, meta, inline: { instance: summary }, ...(sign ? { sign } : {}) }]);
  if (!outcome?.ok) {
    throw new WfeError('CONCURRENCY_CONFLICT', `instance ${instanceId} changed while the command was decided (expected version ${state.version}): nothing was written, try again`, { instanceId, version: state.version });
  }
  if (!outcome.inlineWritten) await p.instances.upsert([summary]);
  await p.wakeups?.notify().catch(() => undefined);
  return r.right.state;
}
