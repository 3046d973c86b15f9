import { verifyChain } from '../adapters/shared/hash-chain.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import type { EventLog, StoredEvent } from '../ports/event-log.js';
import type { DefinitionStore } from '../ports/definition-store.js';

/** UNKNOWN_INSTANCE naming the instance. */
export function unknownInstance(instanceId: string): WfeError {
  return new WfeError('UNKNOWN_INSTANCE', `no workflow instance ${instanceId}`, { instanceId });
}

/** INVALID_ARGUMENT unless `version` is an integer in 1..head. */
export function checkVersion(instanceId: string, version: number, head: number, argument = 'version'): number {
  if (!Number.isInteger(version) || version < 1 || version > head) {
    throw new WfeError('INVALID_ARGUMENT', `instance ${instanceId} has versions 1..${head}: ${argument} ${String(version)} is ${Number.isInteger(version) ? (version < 1 ? 'below 1' : 'beyond the end') : 'not an integer'}`, {
      argument,
      instanceId,
      version,
      head,
    });
  }
  return version;
}

/**
 * The events 1..`version` of an instance (default: all), with their chain checked: CORRUPT_LOG
 * naming the instance and the first bad version, never a silently used broken log.
 */
export async function readPrefix(log: EventLog, instanceId: string, version?: number): Promise<{ events: StoredEvent[]; head: number }> {
  const head = await log.streamVersion(instanceId);
  if (head === 0) throw unknownInstance(instanceId);
  const upTo = version === undefined ? head : checkVersion(instanceId, version, head);
  const events = await log.read(instanceId, 1, upTo);
  const problem = verifyChain(events);
  if (problem) {
    throw new WfeError('CORRUPT_LOG', `instance ${instanceId} has a broken log at version ${problem.version}: ${problem.problem}`, { instanceId, version: problem.version });
  }
  if (events.length !== upTo) throw new WfeError('CORRUPT_LOG', `instance ${instanceId}: expected ${upTo} events, read ${events.length}`, { instanceId, version: events.length + 1 });
  return { events, head };
}

/** The stored definition an instance ran, or undefined when the store has none. */
export async function storedDefinition(definitions: DefinitionStore, id: string, version: number): Promise<WorkflowDefinition | undefined> {
  return (await definitions.get(id, version))?.definition as unknown as WorkflowDefinition | undefined;
}
