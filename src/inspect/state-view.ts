import type { WorkflowDefinition } from '../domain/definition.js';
import { allPointers, type ExecutionPointer, type InstanceState } from '../domain/state.js';
import type { PointerView, StateView } from './inspector.js';

/** A step's name from the definition, or `step N` without one. */
export function stepNameOf(definition: WorkflowDefinition | undefined, stepId: number): string {
  return definition?.steps[stepId]?.name ?? `step ${stepId}`;
}

/** One pointer for people. */
export function pointerView(definition: WorkflowDefinition | undefined, p: ExecutionPointer): PointerView {
  return {
    id: p.id,
    stepId: p.stepId,
    step: stepNameOf(definition, p.stepId),
    status: p.status,
    active: p.active,
    attempt: p.attempt,
    retryCount: p.retryCount,
    scope: p.scope,
    ...(p.sleepUntil !== undefined ? { sleepUntil: p.sleepUntil } : {}),
    ...(p.status === 'waitingForEvent' && p.eventName !== undefined ? { waitingFor: { name: p.eventName, key: p.eventKey ?? '' } } : {}),
    ...(p.error ? { error: { type: p.error.type, message: p.error.message } } : {}),
    ...(p.hasItem ? { item: p.item ?? null } : {}),
  };
}

/** An instance state as the inspector shows it: data and every pointer with its step's name. */
export function stateView(definition: WorkflowDefinition | undefined, state: InstanceState): StateView {
  return {
    instanceId: state.instanceId,
    definitionId: state.definitionId,
    definitionVersion: state.definitionVersion,
    version: state.version,
    status: state.status,
    data: state.data,
    pointers: [...allPointers(state)].map((p) => pointerView(definition, p)),
  };
}
