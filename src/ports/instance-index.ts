import type { WorkflowStatus } from '../domain/state.js';

/** A scalar value of a data field kept in the index for filters (`where`). */
export type FieldValue = string | number | boolean | null;

/**
 * One row per instance: the instance-summary projection of the log, and the instance's search
 * document (the embedded index and OpenSearch store the same shape). Written only by that projection.
 */
export interface InstanceSummary {
  readonly instanceId: string;
  readonly definitionId: string;
  readonly definitionVersion: number;
  /** Content hash of the definition the instance started with (see the definition store). */
  readonly definitionHash?: string;
  readonly reference?: string;
  readonly parentInstanceId?: string;
  readonly status: WorkflowStatus;
  readonly createdAt: number;
  /** Time of the last event folded into this row. */
  readonly updatedAt: number;
  readonly completedAt?: number;
  /** When a timer, retry or sleep is next due (runnable instances only). */
  readonly nextDueAt?: number;
  /** The stream version this row covers: an upsert with an older version never replaces a newer row. */
  readonly version: number;
  /** Steps waiting for an external event (activities as `activity:<name>`). */
  readonly waiting: readonly { readonly step: string; readonly eventName: string; readonly eventKey: string }[];
  /** Names of steps sleeping (delay, retry back-off, schedule). */
  readonly sleeping: readonly string[];
  /** Names of steps whose last attempt failed. */
  readonly failedSteps: readonly string[];
  /** The error that failed or suspended the instance, in one line. */
  readonly error?: string;
  /** Chosen data fields (dotted paths) with scalar values, for filters. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Free text: reference, definition id, step names, chosen text fields. */
  readonly text: string;
}

/** Simple listing, used by recovery and purge. */
export interface InstanceQuery {
  readonly status?: WorkflowStatus | readonly WorkflowStatus[];
  readonly definitionId?: string;
  readonly reference?: string;
  /** Only instances that completed (or were created, when not complete) before this time. */
  readonly before?: number;
  readonly limit?: number;
  readonly offset?: number;
}

/** A filter on a data field kept in `fields`. */
export interface FieldFilter {
  /** Dotted path as declared in the index's data fields (`customer.tier`). */
  readonly field: string;
  readonly op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
  readonly value: FieldValue;
}

export type SearchSortKey = 'createdAt' | 'updatedAt' | 'completedAt';

/**
 * The one search query of every index (embedded SQLite/PostgreSQL, memory, OpenSearch). All given
 * criteria must hold. Check it with `validateSearchQuery` (a malformed query is an `INVALID_QUERY`
 * error naming the bad part).
 */
export interface SearchQuery {
  /** Words that must all occur in the text (case-insensitive, whole words; a trailing `*` matches a prefix). */
  readonly text?: string;
  readonly status?: WorkflowStatus | readonly WorkflowStatus[];
  readonly definitionId?: string;
  readonly definitionVersion?: number;
  readonly reference?: string;
  /** `createdAt >= createdFrom` */
  readonly createdFrom?: number;
  /** `createdAt < createdTo` */
  readonly createdTo?: number;
  readonly completedFrom?: number;
  readonly completedTo?: number;
  /** Waiting for an event of this name. */
  readonly waitingFor?: string;
  /** A step of this name failed. */
  readonly failedStep?: string;
  readonly where?: readonly FieldFilter[];
  /** Default: newest created first. Ties are broken by instance id. */
  readonly sort?: { readonly by: SearchSortKey; readonly order: 'asc' | 'desc' };
  /** Page size, 1..1000, default 50. */
  readonly limit?: number;
  /** Opaque: the `nextCursor` of the previous page of the same query. */
  readonly cursor?: string;
}

export interface SearchPage {
  readonly items: readonly InstanceSummary[];
  /** Present when more items follow. */
  readonly nextCursor?: string;
}

export interface InstanceIndex {
  /** Insert or replace rows; a row whose `version` is lower than the stored one is ignored. */
  upsert(summaries: readonly InstanceSummary[]): Promise<void>;
  get(instanceId: string): Promise<InstanceSummary | undefined>;
  query(query: InstanceQuery): Promise<InstanceSummary[]>;
  search(query: SearchQuery): Promise<SearchPage>;
  /** Counts by status (and definition), for dashboards: `{ definitionId, status, count }`. */
  countByStatus(): Promise<readonly { readonly definitionId: string; readonly status: WorkflowStatus; readonly count: number }[]>;
  /** Rows in instance id order after `afterInstanceId`, at most `limit` (for verify and rebuild). */
  list(afterInstanceId: string | undefined, limit: number): Promise<InstanceSummary[]>;
  remove(instanceIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
