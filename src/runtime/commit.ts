import type { Command } from '../domain/commands.js';
import { decideAll } from '../domain/decide.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import type { WorkflowEvent } from '../domain/events.js';
import type { InstanceState } from '../domain/state.js';
import type { AppendOutcome, AppendRequest, EventMeta } from '../ports/event-log.js';
import type { InlineWrites } from '../ports/inline-writes.js';
import type { Lease } from '../ports/lock.js';

/** One decision to record: commands against the state they were computed from. */
export interface CommitRequest {
  readonly definition: WorkflowDefinition;
  readonly state: InstanceState;
  readonly commands: readonly Command[];
  readonly now: number;
  readonly meta: EventMeta;
  /** The caller's lease: the log refuses the append when another owner took the instance over. */
  readonly lease?: Lease;
  /** The chain hash of the state's last event, when known (with a lease, the log need not read it). */
  readonly head?: string;
}

/** Where a commit writes: the log (through group commit) and the inline projections of the result. */
export interface CommitPort {
  append(request: AppendRequest): Promise<AppendOutcome>;
  /** Inline projection writes for the state after the commit (`at`: the decision time). */
  inline?(after: InstanceState, at: number): InlineWrites;
}

export type Rejection = { readonly command: Command; readonly error: WfeError };

export type CommitResult =
  | {
      readonly kind: 'committed';
      readonly before: InstanceState;
      readonly state: InstanceState;
      readonly events: readonly WorkflowEvent[];
      readonly outcome: Extract<AppendOutcome, { ok: true }>;
      readonly inline?: InlineWrites;
      readonly rejected: readonly Rejection[];
    }
  /** Every command was rejected or changed nothing: nothing to append. */
  | { readonly kind: 'unchanged'; readonly rejected: readonly Rejection[] }
  /** Someone appended first: reload and decide again. */
  | { readonly kind: 'conflict'; readonly actualVersion?: number; readonly rejected: readonly Rejection[] };

/**
 * Decide every command in turn (pure, one draft) and append the events in one request with the
 * state's version as the expected version. A fenced append (the lease was taken over) throws
 * `LOCK_LOST`: the caller must stop working on the instance.
 */
export async function commit(req: CommitRequest, port: CommitPort): Promise<CommitResult> {
  const decision = decideAll(req.definition, req.state, req.commands, { now: req.now });
  const { events, rejected } = decision;
  if (events.length === 0) return { kind: 'unchanged', rejected };
  const inline = port.inline?.(decision.state, req.now);
  const outcome = await port.append({
    streamId: req.state.instanceId || decision.state.instanceId,
    expectedVersion: req.state.version,
    events,
    meta: req.meta,
    ...(req.lease ? { fence: { owner: req.lease.owner, token: req.lease.token }, ...(req.head !== undefined ? { expectedHash: req.head } : {}) } : {}),
    ...(inline ? { inline } : {}),
  });
  if (!outcome.ok) {
    if (outcome.reason === 'fenced') {
      throw new WfeError('LOCK_LOST', `the lease on ${req.state.instanceId} was taken over, so this host stops working on it: ${outcome.detail}`, { instanceId: req.state.instanceId });
    }
    return { kind: 'conflict', actualVersion: outcome.actualVersion, rejected };
  }
  return { kind: 'committed', before: req.state, state: decision.state, events, outcome, ...(inline ? { inline } : {}), rejected };
}
