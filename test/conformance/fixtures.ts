import type { WorkflowEvent } from '../../src/domain/events.js';
import type { Json } from '../../src/domain/json.js';
import type { AppendRequest, EventMeta } from '../../src/ports/event-log.js';

/** A `WorkflowStarted` event for `instanceId`. */
export function started(instanceId: string, at: number, data: Json = { n: 1 }): WorkflowEvent {
  return { type: 'WorkflowStarted', v: 1, at, instanceId, definitionId: 'def', definitionVersion: 1, data };
}

/** A `StepStarted` event. */
export function stepStarted(pointerId: number, at: number, attempt = 1): WorkflowEvent {
  return { type: 'StepStarted', v: 1, at, pointerId, attempt };
}

/** `count` events: a start followed by step starts. */
export function someEvents(instanceId: string, count: number, at: number): WorkflowEvent[] {
  const out: WorkflowEvent[] = [];
  for (let i = 0; i < count; i++) out.push(i === 0 ? started(instanceId, at) : stepStarted(i, at + i));
  return out;
}

/** A request appending `count` step events (or a start, when `expectedVersion` is 0). */
export function request(streamId: string, expectedVersion: number, count: number, at: number, meta?: EventMeta): AppendRequest {
  const events: WorkflowEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push(expectedVersion === 0 && i === 0 ? started(streamId, at) : stepStarted(expectedVersion + i, at + i));
  }
  return meta ? { streamId, expectedVersion, events, meta } : { streamId, expectedVersion, events };
}
