import type { WorkflowEvent } from '../domain/events.js';
import type { Json } from '../domain/json.js';
import type { PointerStatus, WorkflowStatus } from '../domain/state.js';
import type { LogPosition } from '../log/position.js';
import type { SearchPage, SearchQuery } from '../ports/instance-index.js';

/**
 * The read-only view of a store that tools use (CLI, web debugger), with no running host: what
 * happened, the state at any version, what changed, why an instance is where it is. Implemented
 * by `createInspector(persistence)`; fork and what-if are the only calls that write (a new instance).
 */
export interface Inspector {
  search(query: SearchQuery): Promise<SearchPage>;
  /** Instances by definition and status. */
  counts(): Promise<readonly { readonly definitionId: string; readonly status: WorkflowStatus; readonly count: number }[]>;
  /** Every event with its envelope, named for people (who, what, when, why). UNKNOWN_INSTANCE when there is none. */
  history(instanceId: string): Promise<readonly HistoryEntry[]>;
  /** The state after `version` (1..head; default the head): a fold of that prefix. A version out of range is INVALID_ARGUMENT naming it. */
  stateAt(instanceId: string, version?: number): Promise<StateView>;
  /** What changed from the state after `from` to the state after `to` (`from` may be 0: nothing). */
  diff(instanceId: string, from: number, to: number): Promise<StateDiff>;
  /** In words and data: what it waits for, until when it sleeps, or why it failed. */
  explain(instanceId: string, version?: number): Promise<Explanation>;
  /** The definition's steps as a graph, each with its status at `version` (default the head). */
  graph(instanceId: string, version?: number): Promise<StepGraph>;
  /** The hash chain (and signatures / anchor when configured) of one instance. */
  verify(instanceId: string): Promise<ChainReport>;
  /** A new instance whose log is the original's up to `atVersion` plus ForkedFrom, run live by a host. */
  fork(instanceId: string, options: ForkOptions): Promise<{ readonly instanceId: string }>;
  /** The same fork in a sandbox (memory store, simulated clock): the new history and its diff against the original. Writes nothing. */
  whatIf(instanceId: string, options: ForkOptions): Promise<WhatIfResult>;
  /** Called with each instance that got new events (live views); returns an unsubscribe function. */
  watch(listener: (change: { readonly instanceId: string; readonly version: number; readonly position: LogPosition }) => void): () => void;
  close(): Promise<void>;
}

/** One event for people. */
export interface HistoryEntry {
  readonly version: number;
  readonly position: LogPosition;
  readonly recordedAt: number;
  /** The decision time recorded in the event. */
  readonly at: number;
  readonly type: WorkflowEvent['type'];
  readonly event: WorkflowEvent;
  readonly actor?: string;
  readonly reason?: string;
  readonly causationId?: string;
  readonly correlationId?: string;
  readonly hash: string;
  readonly pointerId?: number;
  readonly step?: string;
  /** One line: what the event means (e.g. "retry 2 in 30 s", "charge card failed: Error: declined"). */
  readonly summary: string;
  /** retry, compensation, wait, timer, fork... so views can show them as such. */
  readonly kind: 'lifecycle' | 'step' | 'retry' | 'compensation' | 'wait' | 'timer' | 'cancel' | 'data' | 'fork';
}

export interface PointerView {
  readonly id: number;
  readonly stepId: number;
  readonly step: string;
  readonly status: PointerStatus;
  readonly active: boolean;
  readonly attempt: number;
  readonly retryCount: number;
  /** Enclosing container pointers, innermost first (lanes of parallel branches). */
  readonly scope: readonly number[];
  readonly sleepUntil?: number;
  readonly waitingFor?: { readonly name: string; readonly key: string };
  readonly error?: { readonly type: string; readonly message: string };
  readonly item?: Json;
}

export interface StateView {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly version: number;
  readonly status: WorkflowStatus;
  readonly data: Json;
  readonly pointers: readonly PointerView[];
}

export interface StateDiff {
  readonly from: number;
  readonly to: number;
  readonly status?: { readonly from: WorkflowStatus; readonly to: WorkflowStatus };
  /** Data paths (`$.customer.name`, `$.items[2]`) with old and new values (absent: added / removed). */
  readonly data: readonly { readonly path: string; readonly before?: Json; readonly after?: Json }[];
  /** Pointers created or changed, with the fields that changed. */
  readonly pointers: readonly { readonly id: number; readonly step: string; readonly before?: PointerStatus; readonly after?: PointerStatus }[];
}

export interface Explanation {
  readonly status: WorkflowStatus;
  /** One or a few sentences. */
  readonly text: string;
  readonly waitingFor?: readonly { readonly step: string; readonly name: string; readonly key: string }[];
  readonly sleepingUntil?: readonly { readonly step: string; readonly until: number }[];
  readonly failure?: { readonly step: string; readonly error: { readonly type: string; readonly message: string; readonly stack?: string }; readonly attempts: number; readonly version: number };
}

export interface StepGraph {
  readonly version: number;
  readonly nodes: readonly { readonly stepId: number; readonly name: string; readonly kind: string; readonly parent?: number; readonly status: PointerStatus | 'not reached'; readonly attempts: number }[];
  readonly edges: readonly { readonly from: number; readonly to: number; readonly kind: 'next' | 'child' | 'compensation' | 'handler' }[];
}

export interface ChainReport {
  readonly instanceId: string;
  readonly ok: boolean;
  readonly events: number;
  /** The first bad version and why, when not ok. */
  readonly problem?: { readonly version: number; readonly reason: string };
  /** What this check could not detect (no key, no anchor). */
  readonly limits: readonly string[];
}

export interface ForkOptions {
  readonly atVersion: number;
  /** Replace the data at the fork point. */
  readonly data?: Json;
  /** Or change some paths (`customer.name` -> value). */
  readonly patch?: readonly { readonly path: string; readonly value: Json }[];
  readonly definitionVersion?: number;
  readonly actor?: string;
  readonly reason?: string;
}

export interface WhatIfResult {
  readonly history: readonly HistoryEntry[];
  readonly state: StateView;
  /** The fork's final state against the original's. */
  readonly diff: StateDiff;
  /** Why the sandbox stopped: it ended, it would run a new side effect, or it is waiting. */
  readonly stoppedBecause: string;
}
