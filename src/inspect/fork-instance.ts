import { either as E } from 'fp-ts';
import { WfeError } from '../domain/errors.js';
import type { WorkflowEvent } from '../domain/events.js';
import { forkEvents, type Fork } from '../domain/fork.js';
import type { EventMeta } from '../ports/event-log.js';
import type { Persistence } from '../ports/persistence.js';
import { summarizeInstance, type IndexedDataOptions } from '../projections/instance-summary.js';
import type { ForkOptions } from './inspector.js';
import { readPrefix, storedDefinition } from './read-prefix.js';

/** What a fork needs besides the store. */
export interface ForkEnv {
  readonly now: () => number;
  readonly newId: () => string;
  readonly index?: IndexedDataOptions;
  /** Signs the append's head (a store whose host signs should sign the tools' writes too). */
  readonly sign?: (lastHash: string) => string;
}

/** Fork options with the caller's say on ids. */
export interface ForkInstanceOptions extends ForkOptions {
  /** The new instance's id (default: a new id). */
  readonly instanceId?: string;
  readonly correlationId?: string;
}

/**
 * Prepare a fork of an instance from a store (pure after the reads): the original's checked events
 * 1..atVersion, the fork's events and state. Unknown instance, a version out of range, a broken
 * chain, an unstored definition version or a fork point where the original had ended are errors
 * naming the instance and version.
 */
export async function prepareFork(p: Persistence, sourceId: string, options: ForkInstanceOptions, env: ForkEnv): Promise<Fork & { readonly instanceId: string }> {
  const { events } = await readPrefix(p.log, sourceId, options.atVersion);
  const prefix: WorkflowEvent[] = events.map((e) => e.event);
  const first = prefix[0];
  if (options.definitionVersion !== undefined && first?.type === 'WorkflowStarted') {
    const stored = await p.definitions.get(first.definitionId, options.definitionVersion);
    if (!stored) throw new WfeError('UNKNOWN_DEFINITION', `definition ${first.definitionId}@${options.definitionVersion} is not in the store`, { definitionId: first.definitionId, version: options.definitionVersion });
    prefix[0] = { ...first, definitionVersion: options.definitionVersion, definitionHash: stored.hash };
  }
  const instanceId = options.instanceId ?? env.newId();
  const r = forkEvents({
    prefix,
    sourceInstanceId: sourceId,
    newInstanceId: instanceId,
    now: env.now(),
    ...(options.data !== undefined ? { data: options.data } : {}),
    ...(options.patch ? { patch: options.patch } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  });
  if (E.isLeft(r)) throw r.left;
  return { ...r.right, instanceId };
}

/**
 * Fork an instance in a store: one append of the fork's events (all or nothing) with its index row,
 * queued first so that a host working on the store runs it live with today's code. Returns the new id.
 */
export async function forkInstance(p: Persistence, sourceId: string, options: ForkInstanceOptions, env: ForkEnv): Promise<{ readonly instanceId: string }> {
  const fork = await prepareFork(p, sourceId, options, env);
  const { instanceId, state } = fork;
  const definition = await storedDefinition(p.definitions, state.definitionId, state.definitionVersion);
  const summary = summarizeInstance(state, () => definition, env.index ?? {});
  const meta: EventMeta = {
    ...(options.actor !== undefined ? { actor: options.actor } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    causationId: `fork:${sourceId}@${options.atVersion}`,
    ...(options.correlationId !== undefined ? { correlationId: options.correlationId } : {}),
  };
  await p.queue.enqueue([{ instanceId, dueAt: env.now() }]);
  const [outcome] = await p.log.appendBatch([{ streamId: instanceId, expectedVersion: 0, events: fork.events, meta, inline: { instance: summary }, ...(env.sign ? { sign: env.sign } : {}) }]);
  if (!outcome?.ok) {
    throw new WfeError('INVALID_ARGUMENT', `cannot fork ${sourceId} into ${instanceId}: ${outcome?.ok === false && outcome.reason === 'conflict' ? 'that instance exists' : 'the append was refused'}`, { argument: 'instanceId', instanceId });
  }
  if (!outcome.inlineWritten) await p.instances.upsert([summary]);
  await p.wakeups?.notify().catch(() => undefined);
  return { instanceId };
}
