import type { StepDef, WorkflowDefinition } from '../../domain/definition.js';
import type { StepFailure } from '../../domain/errors.js';
import type { NewPointer, WorkflowEvent } from '../../domain/events.js';
import type { Json } from '../../domain/json.js';
import type { WorkflowStatus } from '../../domain/state.js';
import { stepRoles } from './step-roles.js';

/** Where a displayed step is. `waiting`: a `type: workflow` step whose child runs. */
export type RowStatus = 'running' | 'waiting' | 'retrying' | 'passed' | 'failed' | 'skipped' | 'cancelled';

/** One displayed step activation: a shell, Deno or workflow step, or a parallel group. */
export interface ProgressRow {
  readonly key: string;
  readonly instanceId: string;
  readonly pointerId: number;
  readonly name: string;
  /** `shell`, `deno`, `workflow` or `parallel`. */
  readonly type: string;
  readonly depth: number;
  /** `on_failure of deploy`, `ensure of deploy`. */
  readonly role?: string;
  readonly parentKey?: string;
  readonly children: string[];
  status: RowStatus;
  startedAt?: number;
  endedAt?: number;
  /** When the step's code finished (its event may be recorded later, with slower siblings'). */
  bodyEndedAt?: number;
  attempts: number;
  /** Failed attempts that were retried. */
  retries: number;
  error?: StepFailure;
  retry?: { readonly count: number; readonly inMs: number };
  /** Data keys the step set (outputs), `<step>.stdout` / `.stderr` left out. */
  outputs: [string, Json][];
  /** For a workflow step: the child workflow's id. */
  child?: string;
}

/** What changed, for the views: a group began, a step ended, a step will be retried, a workflow ended. */
export type ProgressChange =
  | { readonly kind: 'group-started'; readonly row: ProgressRow }
  | { readonly kind: 'ended'; readonly row: ProgressRow }
  | { readonly kind: 'retry'; readonly row: ProgressRow }
  | { readonly kind: 'workflow-ended'; readonly instanceId: string; readonly status: WorkflowStatus; readonly reason?: string; readonly error?: StepFailure };

interface Instance {
  readonly definition?: WorkflowDefinition;
  readonly roles: Map<number, string>;
  readonly parentKey?: string;
  readonly pointers: Map<number, NewPointer>;
}

const ENDED: ReadonlySet<RowStatus> = new Set(['passed', 'failed', 'skipped', 'cancelled']);

/** True when the row will not change any more. */
export function isEnded(row: ProgressRow): boolean {
  return ENDED.has(row.status);
}

/**
 * Live progress of one run (a root instance and the child workflows it starts), folded from the
 * host's telemetry: `step:started` (a step's code begins) and `events:appended` (what the log
 * recorded). Instances outside the run are ignored.
 */
export class ProgressModel {
  readonly rows = new Map<string, ProgressRow>();
  private readonly instances = new Map<string, Instance>();
  private readonly definitions = new Map<string, WorkflowDefinition>();
  private readonly announced = new Set<string>();

  constructor(
    readonly rootInstanceId: string,
    definitions: readonly WorkflowDefinition[],
    private readonly now: () => number = Date.now,
  ) {
    for (const d of definitions) this.definitions.set(`${d.id}@${d.version}`, d);
  }

  /** Rows without a parent row, in the order they appeared. */
  get roots(): ProgressRow[] {
    return [...this.rows.values()].filter((r) => r.parentKey === undefined);
  }

  /** The run's instance ids known so far (root first). */
  get instanceIds(): string[] {
    return [...this.instances.keys()];
  }

  /** A step's code is about to run (the `step:started` hook). */
  stepStarted(e: { instanceId: string; pointerId: number; attempt: number }): void {
    const row = this.rowFor(e.instanceId, e.pointerId);
    if (!row || row.type === 'parallel') return;
    if (row.status !== 'waiting') row.status = 'running';
    row.startedAt ??= this.now();
    row.attempts = Math.max(row.attempts, e.attempt);
    row.retry = undefined;
    row.bodyEndedAt = undefined;
  }

  /**
   * A step's code has finished. A `type: workflow` step's first execution only starts its child:
   * its end counts once the step runs again with the child's result (`resumed`).
   */
  bodyEnded(e: { instanceId: string; pointerId: number; resumed: boolean }, at: number = this.now()): void {
    const row = this.rows.get(`${e.instanceId}/${e.pointerId}`);
    if (!row || isEnded(row) || (row.type === 'workflow' && !e.resumed)) return;
    row.bodyEndedAt = at;
  }

  /** Events the host appended to an instance; returns what the views should show. */
  apply(instanceId: string, events: readonly WorkflowEvent[]): ProgressChange[] {
    const first = events[0];
    if (first?.type === 'WorkflowStarted') this.register(instanceId, first);
    if (!this.instances.has(instanceId)) return [];
    const changes: ProgressChange[] = [];
    if (first?.type === 'WorkflowStarted' && instanceId !== this.rootInstanceId) {
      const parent = this.instances.get(instanceId)!.parentKey;
      const row = parent === undefined ? undefined : this.rows.get(parent);
      if (row) {
        row.status = 'waiting';
        row.child = first.definitionId;
        changes.push({ kind: 'group-started', row });
      }
    }
    const retried = new Map<number, { count: number; inMs: number }>();
    for (const e of events) if (e.type === 'StepRetryScheduled') retried.set(e.pointerId, { count: e.retryCount, inMs: Math.max(0, e.dueAt - e.at) });
    for (const e of events) this.applyOne(instanceId, e, retried, changes);
    return changes;
  }

  private register(instanceId: string, e: Extract<WorkflowEvent, { type: 'WorkflowStarted' }>): void {
    if (instanceId !== this.rootInstanceId && !(e.parentInstanceId && this.instances.has(e.parentInstanceId))) return;
    const definition = this.definitions.get(`${e.definitionId}@${e.definitionVersion}`);
    // Child ids are `<parent>.<pointer>.<attempt>` (see the YAML workflow step).
    const m = /^(.*)\.(\d+)\.(\d+)$/.exec(instanceId);
    const parentKey = e.parentInstanceId && m && m[1] === e.parentInstanceId ? `${m[1]}/${m[2]}` : undefined;
    this.instances.set(instanceId, { ...(definition ? { definition } : {}), roles: definition ? stepRoles(definition) : new Map(), ...(parentKey ? { parentKey } : {}), pointers: new Map() });
  }

  private applyOne(instanceId: string, e: WorkflowEvent, retried: Map<number, { count: number; inMs: number }>, out: ProgressChange[]): void {
    const inst = this.instances.get(instanceId)!;
    switch (e.type) {
      case 'StepsActivated':
        for (const p of e.pointers) inst.pointers.set(p.id, p);
        break;
      case 'BranchesStarted': {
        for (const p of e.pointers) inst.pointers.set(p.id, p);
        const row = this.rowFor(instanceId, e.pointerId);
        if (row?.type === 'parallel' && !this.announced.has(row.key)) {
          this.announced.add(row.key);
          row.startedAt ??= e.at;
          out.push({ kind: 'group-started', row });
        }
        break;
      }
      case 'StepStarted': {
        const row = this.rowFor(instanceId, e.pointerId);
        if (row) {
          row.startedAt ??= e.at;
          row.attempts = Math.max(row.attempts, e.attempt);
        }
        break;
      }
      case 'EventAwaited': {
        const row = this.rowFor(instanceId, e.pointerId);
        if (row) row.status = 'waiting';
        break;
      }
      case 'StepCompleted':
        this.end(instanceId, e.pointerId, 'passed', e.at, out, (row) => {
          row.outputs = (e.patches ?? [])
            .filter((p) => p.path.length === 1 && p.op !== 'remove' && !/\.(stdout|stderr|event)$/.test(String(p.path[0])))
            .map((p) => [String(p.path[0]), p.value ?? null]);
        });
        break;
      case 'StepSkipped':
        this.end(instanceId, e.pointerId, 'skipped', e.at, out);
        break;
      case 'StepFailed': {
        const retry = retried.get(e.pointerId);
        if (retry) {
          const row = this.rowFor(instanceId, e.pointerId);
          if (row) {
            Object.assign(row, { status: 'retrying', error: e.error, retry, retries: row.retries + 1 });
            out.push({ kind: 'retry', row });
          }
        } else this.end(instanceId, e.pointerId, 'failed', e.at, out, (row) => (row.error = e.error));
        break;
      }
      case 'CompensationStarted':
        for (const id of e.failed) this.end(instanceId, id, 'failed', e.at, out);
        break;
      case 'StepCancelled':
        for (const id of e.pointerIds) this.end(instanceId, id, 'cancelled', e.at, out);
        break;
      case 'WorkflowCompleted':
        out.push({ kind: 'workflow-ended', instanceId, status: 'complete' });
        break;
      case 'WorkflowFailed':
        out.push({ kind: 'workflow-ended', instanceId, status: 'failed', ...(e.error ? { error: e.error } : {}) });
        break;
      case 'WorkflowTerminated':
        out.push({ kind: 'workflow-ended', instanceId, status: 'terminated', reason: e.reason });
        break;
      case 'WorkflowSuspended':
        out.push({ kind: 'workflow-ended', instanceId, status: 'suspended', reason: e.reason });
        break;
      default:
        break;
    }
  }

  private end(instanceId: string, pointerId: number, status: RowStatus, at: number, out: ProgressChange[], update?: (row: ProgressRow) => void): void {
    const row = this.rowFor(instanceId, pointerId, status === 'skipped');
    if (!row || isEnded(row)) return;
    row.status = status;
    row.retry = undefined;
    if (status !== 'skipped' && status !== 'cancelled') {
      row.startedAt ??= at;
      row.endedAt = Math.max(row.bodyEndedAt ?? at, row.startedAt);
    }
    update?.(row);
    out.push({ kind: 'ended', row });
  }

  /** The row of a pointer, created on first use when its step is one that is displayed. */
  private rowFor(instanceId: string, pointerId: number, skipping = false): ProgressRow | undefined {
    const key = `${instanceId}/${pointerId}`;
    const existing = this.rows.get(key);
    if (existing) return existing;
    const inst = this.instances.get(instanceId);
    const pointer = inst?.pointers.get(pointerId);
    const step = pointer ? inst?.definition?.steps[pointer.stepId] : undefined;
    if (!inst || !pointer || !step || !displayed(step, skipping)) return undefined;
    const parentKey = this.parentOf(instanceId, inst, pointer);
    const parent = parentKey === undefined ? undefined : this.rows.get(parentKey);
    const role = inst.roles.get(step.id);
    const row: ProgressRow = {
      key,
      instanceId,
      pointerId,
      name: step.name.replace(/:when$/, ''),
      type: step.kind === 'task' || step.kind === 'waitFor' ? (step.label ?? 'step') : step.kind === 'sequence' ? 'step' : step.kind,
      depth: parent ? parent.depth + 1 : 0,
      ...(role ? { role } : {}),
      ...(parent ? { parentKey: parent.key } : {}),
      children: [],
      status: 'running',
      attempts: 0,
      retries: 0,
      outputs: [],
    };
    parent?.children.push(key);
    this.rows.set(key, row);
    return row;
  }

  /** The innermost displayed container around a pointer, or the workflow step that started its instance. */
  private parentOf(instanceId: string, inst: Instance, pointer: NewPointer): string | undefined {
    for (const id of pointer.scope) {
      const p = inst.pointers.get(id);
      if (p && inst.definition?.steps[p.stepId]?.kind === 'parallel') return this.rowFor(instanceId, id)?.key;
    }
    return inst.parentKey;
  }
}

function displayed(step: StepDef, skipping: boolean): boolean {
  if (step.kind === 'task' || step.kind === 'parallel' || step.kind === 'waitFor') return true;
  return skipping && step.kind === 'sequence' && step.name.endsWith(':when');
}
