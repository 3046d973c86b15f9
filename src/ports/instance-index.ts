import type { WorkflowStatus } from '../domain/state.js';

/** One row per instance: a projection of the log used for listing, search and purge. */
export interface InstanceSummary {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  readonly reference?: string;
  readonly status: WorkflowStatus;
  readonly createdAt: number;
  readonly completedAt?: number;
  readonly version: number;
}

export interface InstanceQuery {
  readonly status?: WorkflowStatus | readonly WorkflowStatus[];
  readonly definitionId?: string;
  readonly reference?: string;
  /** Only instances that completed (or were created, when not complete) before this time. */
  readonly before?: number;
  readonly limit?: number;
  readonly offset?: number;
}

export interface InstanceIndex {
  upsert(summaries: readonly InstanceSummary[]): Promise<void>;
  get(instanceId: string): Promise<InstanceSummary | undefined>;
  query(query: InstanceQuery): Promise<InstanceSummary[]>;
  remove(instanceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
