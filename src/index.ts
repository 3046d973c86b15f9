/**
 * wfe: a persistent, embeddable, event-sourced workflow engine.
 * The root export: the builder, the host, the event model and the pure core.
 * Stores live in subpaths: `wfe/sqlite` (the default), `wfe/postgres`, `wfe/redis`, `wfe/memory`.
 */
export { workflow, WorkflowBuilder, StepBuilder, ParallelBuilder, DecideBuilder, type BuiltWorkflow, type WhenBuilder, type WhenPredicate, type Value, type Branch, type RetryOptions, type ForEachOptions } from './domain/builder.js';
export { Result, CHILD_ENDED_EVENT, type StepContext, type StepResult, type StepFn, type StepBody, type StepBodyClass, type FunctionRegistry, type RegisteredFunction, type ChildWorkflows } from './domain/step-api.js';
export type { WorkflowDefinition, StepDef, StepKind, ErrorBehavior, Outcome, StepParams, Dyn } from './domain/definition.js';
export type { WorkflowEvent, WorkflowEventType, DataPatch, NewPointer, ChainLink, ChainThen } from './domain/events.js';
export { EVENT_TYPES } from './domain/events.js';
export type { InstanceState, ExecutionPointer, PointerStatus, WorkflowStatus } from './domain/state.js';
export { allPointers, activePointers, pointerAt, isTerminal } from './domain/state.js';
export { fold, evolve, EMPTY_STATE } from './domain/evolve.js';
export { decide, type Decision } from './domain/decide.js';
export type { Command, Execution, DecideContext } from './domain/commands.js';
export { runnablePointers, nextDueAt, waitingPointers } from './domain/queries.js';
export { validateDefinition } from './domain/validate-definition.js';
export { validateInstanceId, validatePublishArgs, normaliseJson, type PublishArgs } from './domain/validate-args.js';
export { WfeError, isWfeError, toStepFailure, type WfeErrorCode, type StepFailure } from './domain/errors.js';
export { canonicalJson, type Json } from './domain/json.js';
export { WorkflowHost, type StartOptions, type PendingActivity } from './runtime/host.js';
export type { HostOptions } from './runtime/host-options.js';
export type { HostLogger } from './runtime/logger.js';
export { NOOP_TELEMETRY } from './ports/telemetry.js';
export type { HostEvents, HostEventName, WorkflowMiddleware } from './runtime/hooks.js';
export type { StepMiddleware } from './runtime/step-runner.js';
export { systemClock, type Clock } from './runtime/clock.js';
export { verifyChain, chainHash, GENESIS_HASH } from './adapters/shared/hash-chain.js';
export type * from './ports/index.js';
