import type { WorkflowEvent } from '../../domain/events.js';
import type { Json } from '../../domain/json.js';
import type { WorkflowStatus } from '../../domain/state.js';
import type { AppendRequest, EventMeta } from '../../ports/event-log.js';
import type { InstanceSummary } from '../../ports/instance-index.js';
import type { Snapshot } from '../../ports/snapshot-store.js';

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

/** An index row with every required member (empty lists, no fields), overridable. */
export function summary(instanceId: string, status: WorkflowStatus, createdAt: number, extra: Partial<InstanceSummary> = {}): InstanceSummary {
  return {
    instanceId,
    definitionId: 'order',
    definitionVersion: 1,
    status,
    createdAt,
    updatedAt: createdAt,
    version: 3,
    waiting: [],
    sleeping: [],
    failedSteps: [],
    fields: {},
    text: '',
    ...extra,
  };
}

/** A snapshot of `streamId` at `version` with a made-up chain hash. */
export function snapshot(streamId: string, version: number, schema = 1): Snapshot {
  return {
    streamId,
    version,
    hash: `${'ab'.repeat(31)}${String(version % 100).padStart(2, '0')}`,
    schema,
    state: { status: 'runnable', data: { items: [1, 'two', { three: 3 }], none: null, ok: true }, version },
  };
}
