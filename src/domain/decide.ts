import { either as E } from 'fp-ts';
import type { Command, DecideContext, Execution } from './commands.js';
import { isContainer, type ErrorBehavior, type StepDef, type WorkflowDefinition } from './definition.js';
import { WfeError, type StepFailure } from './errors.js';
import type { ChainLink, ChainThen, NewPointer, WorkflowEvent } from './events.js';
import { apply } from './evolve.js';
import { jsonEqual, type Json } from './json.js';
import { normaliseJson, validateInstanceId } from './validate-args.js';
import { activeIds, consumedKey, isTerminal, type ExecutionPointer, type HandlerChain, type InstanceState } from './state.js';
import { StateWriter, type WritableState } from './state-writer.js';

/** Module constants for what runs per event (a loader that turns imports into getters costs a call per use). */
const applyEvent = apply;
const Writer = StateWriter;

/** The events a command produced, and the state they fold into (the same as `fold(state, events)`). */
export interface Decision {
  readonly events: readonly WorkflowEvent[];
  readonly state: InstanceState;
}

/** Distributes Omit over a union, so each event keeps its own fields. */
type WithoutBase<T> = T extends unknown ? Omit<T, 'v' | 'at'> : never;
type EventInput = WithoutBase<WorkflowEvent>;

/**
 * Decide what a command means for an instance: pure, total, no I/O. Returns the new events (to be
 * appended with the state's version as the expected version) or a typed rejection.
 */
export function decide(
  definition: WorkflowDefinition,
  state: InstanceState,
  command: Command,
  ctx: DecideContext,
): E.Either<WfeError, Decision> {
  const s = new Session(definition, state, ctx.now);
  try {
    s.handle(command);
    s.settle();
  } catch (e) {
    if (e instanceof WfeError) return E.left(e);
    throw e;
  }
  return E.right(s.finish());
}

/** The result of `decideAll`: the events and state of every accepted command, and the rejected ones. */
export interface BatchDecision extends Decision {
  readonly rejected: readonly { readonly command: Command; readonly error: WfeError }[];
}

/**
 * Decide several commands in turn (one pass's step results), as if by calling `decide` on each in
 * order and skipping the rejected ones, but on one `StateWriter`: cost grows with what changes, not with
 * the number of commands times the size of the state.
 */
export function decideAll(definition: WorkflowDefinition, state: InstanceState, commands: readonly Command[], ctx: DecideContext): BatchDecision {
  const s = new Session(definition, state, ctx.now);
  const rejected: { command: Command; error: WfeError }[] = [];
  for (const command of commands) {
    const mark = s.eventCount;
    try {
      s.handle(command);
      s.settle();
    } catch (e) {
      if (!(e instanceof WfeError)) throw e;
      if (s.eventCount > mark) return decideOneByOne(definition, state, commands, ctx);
      rejected.push({ command, error: e });
    }
  }
  const { events, state: next } = s.finish();
  return { events, state: next, rejected };
}

/** The slow path of `decideAll`: a command was rejected after it had emitted events. */
function decideOneByOne(definition: WorkflowDefinition, state: InstanceState, commands: readonly Command[], ctx: DecideContext): BatchDecision {
  let current = state;
  const events: WorkflowEvent[] = [];
  const rejected: { command: Command; error: WfeError }[] = [];
  for (const command of commands) {
    const r = decide(definition, current, command, ctx);
    if (E.isLeft(r)) rejected.push({ command, error: r.left });
    else {
      current = r.right.state;
      events.push(...r.right.events);
    }
  }
  return { events, state: current, rejected };
}

const reject = (code: 'INVALID_COMMAND' | 'INVALID_STATE', message: string, details: Record<string, unknown> = {}): never => {
  throw new WfeError(code, message, details);
};

/**
 * One decision: every emitted event is applied at once to one `StateWriter` (copy-on-write, no
 * draft). Pointers read from it are the values at the time of reading: read again after an emit.
 */
class Session {
  private readonly w: StateWriter;
  private readonly d: WritableState;
  private readonly events: WorkflowEvent[] = [];

  constructor(
    private readonly def: WorkflowDefinition,
    state: InstanceState,
    private readonly now: number,
  ) {
    this.w = new Writer(state);
    this.d = this.w.s;
  }

  get eventCount(): number {
    return this.events.length;
  }

  finish(): Decision {
    return { events: this.events, state: this.w.finish() };
  }

  /** Record an event, made at `at` (the decision's time unless given), and apply it to the state being built. */
  private emit(e: EventInput, at = this.now): void {
    // Every caller passes a new object literal: it becomes the event (a spread copy is V8's slow path).
    // What an event takes from the state (scopes, items, persistence data) is shared: neither is ever changed.
    const event = e as { v: 1; at: number } & EventInput;
    event.v = 1;
    event.at = at;
    applyEvent(this.w, event as WorkflowEvent);
    this.events.push(event as WorkflowEvent);
  }

  private ptr(id: number): ExecutionPointer {
    return this.w.find(id) ?? reject('INVALID_COMMAND', `instance ${this.d.instanceId} has no pointer ${id}`, { pointerId: id });
  }

  private step(p: ExecutionPointer): StepDef {
    const step = this.def.steps[p.stepId];
    if (!step) return reject('INVALID_STATE', `definition ${this.def.id}@${this.def.version} has no step ${p.stepId} (pointer ${p.id})`);
    return step;
  }

  private nextId(): number {
    return this.d.pointerCount;
  }

  handle(c: Command): void {
    if (c.type !== 'Start' && this.d.version === 0) reject('INVALID_STATE', 'the instance has not started');
    switch (c.type) {
      case 'Start': {
        if (this.d.version !== 0) reject('INVALID_STATE', `instance ${c.instanceId} has already started`);
        validateInstanceId(c.instanceId);
        if (this.def.steps.length === 0) reject('INVALID_COMMAND', `definition ${this.def.id} has no steps`);
        // What a store would keep of the data (no `undefined`): the live run sees what replays see.
        const data = normaliseJson('data', c.data);
        this.emit({
          type: 'WorkflowStarted',
          instanceId: c.instanceId,
          definitionId: this.def.id,
          definitionVersion: this.def.version,
          data,
          ...(c.reference !== undefined ? { reference: c.reference } : {}),
          ...(c.parentInstanceId !== undefined ? { parentInstanceId: c.parentInstanceId } : {}),
          ...(c.definitionHash !== undefined ? { definitionHash: c.definitionHash } : {}),
        });
        this.emit({ type: 'StepsActivated', pointers: [{ id: 0, stepId: 0, scope: [] }] });
        return;
      }
      case 'Execute':
        return this.execute(c.pointerId, c.attempt, c.startedAt, c.execution);
      case 'DeliverEvent': {
        this.mustBeRunnable();
        const p = this.ptr(c.pointerId);
        if (!p.active || p.status !== 'waitingForEvent') reject('INVALID_STATE', `pointer ${p.id} is not waiting for an event`);
        if (p.eventName !== c.event.name || p.eventKey !== c.event.key) reject('INVALID_COMMAND', `pointer ${p.id} waits for ${p.eventName}/${p.eventKey}, not ${c.event.name}/${c.event.key}`);
        if (c.event.effectiveAt < (p.eventAsOf ?? 0)) reject('INVALID_COMMAND', `event ${c.event.id} is effective before the wait's as-of time`);
        if (this.d.consumed[consumedKey(p.stepId, c.event.id)]) reject('INVALID_COMMAND', `event ${c.event.id} was already consumed by this instance`);
        this.emit({ type: 'EventReceived', pointerId: p.id, eventId: c.event.id, eventName: c.event.name, eventKey: c.event.key, eventData: c.event.data, effectiveAt: c.event.effectiveAt });
        return;
      }
      case 'Cancel': {
        this.mustBeRunnable();
        const p = this.ptr(c.pointerId);
        if (!p.active) reject('INVALID_STATE', `pointer ${p.id} has already ended`);
        const ids = [p.id, ...this.activeInside(p.id)];
        this.emit({ type: 'StepCancelled', pointerIds: ids, reason: c.reason });
        if (c.proceed) this.follow(this.ptr(p.id), undefined, []);
        this.ended(this.ptr(p.id));
        return;
      }
      case 'Suspend':
        if (this.d.status !== 'runnable') reject('INVALID_STATE', `only a runnable workflow can be suspended; this one is ${this.d.status}`);
        this.emit({ type: 'WorkflowSuspended', reason: c.reason });
        return;
      case 'Resume':
        if (this.d.status !== 'suspended') reject('INVALID_STATE', `only a suspended workflow can be resumed; this one is ${this.d.status}`);
        this.emit({ type: 'WorkflowResumed' });
        return;
      case 'Terminate':
        if (isTerminal(this.d.status)) reject('INVALID_STATE', `the workflow has already ended (${this.d.status})`);
        this.emit({ type: 'WorkflowTerminated', reason: c.reason });
        return;
      case 'ChangeData':
        // A failed instance takes corrections too (recorded for the audit; fork from it to run with them).
        if (this.d.status === 'complete' || this.d.status === 'terminated') reject('INVALID_STATE', `the workflow has already ended (${this.d.status})`);
        this.emit({ type: 'DataChanged', patches: c.patches, reason: c.reason });
        return;
      default: {
        const never: never = c;
        reject('INVALID_COMMAND', `unknown command ${(never as { type: string }).type}`);
      }
    }
  }

  private mustBeRunnable(): void {
    if (this.d.status !== 'runnable') reject('INVALID_STATE', `the workflow is ${this.d.status}, not runnable`);
  }

  private execute(pointerId: number, attempt: number, startedAt: number, x: Execution): void {
    this.mustBeRunnable();
    const p = this.ptr(pointerId);
    // A failure of user code that runs while a step waits (its cancel condition threw) fails it too.
    const runnable = p.status === 'pending' || p.status === 'sleeping' || p.status === 'running' || waitTimedOut(p, this.now) || (x.kind === 'failed' && x.during === 'cancelCondition' && p.status === 'waitingForEvent');
    if (!p.active || !runnable) {
      reject('INVALID_STATE', `pointer ${p.id} is ${p.status}, not runnable`, { pointerId });
    }
    const step = this.step(p);
    if (p.status === 'sleeping') this.emit({ type: 'TimerFired', pointerId });
    this.emit({ type: 'StepStarted', pointerId, attempt }, startedAt);
    switch (x.kind) {
      case 'skipped':
        this.emit({ type: 'StepSkipped', pointerId, reason: x.reason });
        this.follow(this.ptr(pointerId), undefined, []);
        return this.ended(this.ptr(pointerId));
      case 'completed':
        return this.complete(pointerId, x.outcome, x.matched ?? [], x.patches);
      case 'failed':
        return this.fail(pointerId, x.error);
      case 'sleep':
        this.emit({ type: 'TimerScheduled', pointerId, dueAt: x.dueAt, ...(x.persistenceData !== undefined ? { persistenceData: x.persistenceData } : {}) });
        return;
      case 'wait':
        this.emit({ type: 'EventAwaited', pointerId, eventName: x.name, eventKey: x.key, asOf: x.asOf, ...(x.activity ? { activity: x.activity } : {}), ...(x.timeoutAt !== undefined ? { timeoutAt: x.timeoutAt } : {}) });
        return;
      case 'end': {
        const others = activeIds(this.d).filter((id) => id !== pointerId);
        this.emit({ type: 'StepCompleted', pointerId });
        if (others.length > 0) this.emit({ type: 'StepCancelled', pointerIds: others, reason: 'endWorkflow' });
        this.emit({ type: 'WorkflowCompleted' });
        return;
      }
      case 'enter':
        return this.enter(p, step, x.matched ?? []);
      case 'condition':
        return this.condition(p, step, x.value);
      case 'collection':
        return this.collection(p, step, x.items, x.sequential ?? step.params?.sequential === true);
      case 'interval': {
        // schedule / recur run beside the steps that follow them: successors start now.
        this.follow(p, undefined, []);
        this.emit({ type: 'TimerScheduled', pointerId, dueAt: this.now + x.ms, persistenceData: { phase: 'waiting', interval: x.ms } });
        return;
      }
      default: {
        const never: never = x;
        reject('INVALID_COMMAND', `unknown execution ${(never as { kind: string }).kind}`);
      }
    }
  }

  private branches(container: ExecutionPointer, step: StepDef, items: readonly { item?: Json; hasItem?: boolean }[], persistenceData?: Json, children = step.children): void {
    if (step.children.length === 0) reject('INVALID_STATE', `container step ${step.name} has no body`);
    const pointers: NewPointer[] = [];
    let id = this.nextId();
    const scope = [container.id, ...container.scope];
    for (const it of items) {
      for (const child of children) {
        const hasItem = it.hasItem ?? container.hasItem;
        // Assigned field by field, not spread: this runs once per forEach item.
        const np: Mutable<NewPointer> = { id: id++, stepId: child, scope };
        if (hasItem) {
          np.hasItem = true;
          np.item = it.hasItem ? (it.item ?? null) : (container.item ?? null);
        }
        if (container.handler) np.handler = true;
        pointers.push(np);
      }
    }
    this.emit({ type: 'BranchesStarted', pointerId: container.id, pointers, ...(persistenceData !== undefined ? { persistenceData } : {}) });
  }

  private enter(p: ExecutionPointer, step: StepDef, matched: readonly number[]): void {
    if (!isContainer(step)) reject('INVALID_COMMAND', `step ${step.name} (${step.kind}) is not a container`);
    if (step.kind !== 'switch') return this.branches(p, step, [{}]);
    // A when group: the blocks matching the outcome of the step before it run side by side; with
    // none, the group proceeds at once.
    const outcome = p.predecessorId !== undefined ? this.ptr(p.predecessorId).outcome : undefined;
    const cases = step.params?.cases ?? [];
    const chosen = step.children.filter((_, i) => matches(cases[i] ?? {}, i, outcome, matched));
    if (chosen.length === 0) return this.complete(p.id, undefined, [], undefined);
    this.branches(p, step, [{}], undefined, chosen);
  }

  private condition(p: ExecutionPointer, step: StepDef, value: boolean): void {
    if (step.kind === 'recur') {
      if (value) return this.complete(p.id, undefined, [], undefined, false);
      return this.branches(p, step, [{}], p.persistenceData);
    }
    if (step.kind !== 'if' && step.kind !== 'while') reject('INVALID_COMMAND', `step ${step.name} (${step.kind}) takes no condition`);
    if (value) return this.branches(p, step, [{}]);
    this.complete(p.id, undefined, [], undefined);
  }

  private collection(p: ExecutionPointer, step: StepDef, items: readonly Json[], sequential: boolean): void {
    if (step.kind !== 'forEach') reject('INVALID_COMMAND', `step ${step.name} (${step.kind}) takes no collection`);
    if (items.length === 0) return this.complete(p.id, undefined, [], undefined);
    if (sequential) {
      return this.branches(p, step, [{ item: items[0] ?? null, hasItem: true }], { items: [...items], index: 0 });
    }
    this.branches(p, step, items.map((item) => ({ item, hasItem: true })));
  }

  /** A pointer proceeds: record it, then its ensure block or its successors. */
  private complete(pointerId: number, outcome: Json | undefined, matched: readonly number[], patches: StepCompletedPatches, followOutcomes = true): void {
    const e: Mutable<EventOf<'StepCompleted'>> = { type: 'StepCompleted', pointerId };
    if (outcome !== undefined) e.outcome = outcome;
    if (patches && patches.length > 0) e.patches = patches;
    this.emit(e);
    const p = this.ptr(pointerId);
    const step = this.step(p);
    if (followOutcomes && step.ensure !== undefined) {
      this.startChain(p, [{ stepId: step.ensure, scope: p.scope }], { kind: 'resume', pointerId }, 'ensure', []);
    } else if (followOutcomes) {
      this.follow(p, outcome, matched);
    }
    this.ended(this.ptr(pointerId));
  }

  /** Activate the successors whose outcome matches. Nothing new starts outside handlers while the workflow is failing. */
  private follow(p: ExecutionPointer, outcome: Json | undefined, matched: readonly number[]): void {
    if (this.d.failing && !p.handler) return;
    const step = this.step(p);
    const pointers: NewPointer[] = [];
    let id = this.nextId();
    for (let i = 0; i < step.outcomes.length; i++) {
      const o = step.outcomes[i] as (typeof step.outcomes)[number];
      if (!matches(o, i, outcome, matched)) continue;
      const np: Mutable<NewPointer> = { id: id++, stepId: o.next, scope: p.scope, predecessorId: p.id };
      if (p.hasItem) {
        np.hasItem = true;
        np.item = p.item ?? null;
      }
      if (p.handler) np.handler = true;
      pointers.push(np);
    }
    if (pointers.length > 0) this.emit({ type: 'StepsActivated', pointers });
  }

  /** After a pointer ended: advance its handler chain, and see whether its container's block is done. */
  private ended(p: ExecutionPointer): void {
    if (p.chainId !== undefined) {
      const chain = this.d.chains[p.chainId] as HandlerChain | undefined;
      if (chain) this.advanceChain(chain, p);
    }
    this.checkBlock(p.scope[0]);
  }

  private checkBlock(containerId: number | undefined): void {
    if (containerId === undefined) return;
    const c = this.ptr(containerId);
    if (!c.active || c.open > 0 || c.status !== 'waitingForChildren') return;
    const step = this.step(c);
    if (this.d.failing && !c.handler) {
      // The block ended because of a failure inside it: the container fails too, with its own handlers.
      this.emit({ type: 'BranchCompleted', pointerId: c.id });
      const links = handlerLinks(step, c.scope);
      this.startChain(c, links, { kind: 'stop' }, 'fail', [c.id]);
      return this.checkBlock(c.scope[0]);
    }
    switch (step.kind) {
      case 'while':
        this.emit({ type: 'BranchCompleted', pointerId: c.id });
        return;
      case 'recur': {
        const pd = c.persistenceData as { interval: number } | undefined;
        this.emit({ type: 'BranchCompleted', pointerId: c.id });
        this.emit({ type: 'TimerScheduled', pointerId: c.id, dueAt: this.now + (pd?.interval ?? 0) });
        return;
      }
      case 'schedule':
        this.emit({ type: 'BranchCompleted', pointerId: c.id });
        return this.complete(c.id, undefined, [], undefined, false);
      case 'forEach': {
        // Only a sequential loop records its collection (however that was decided).
        const pd = c.persistenceData as { items?: Json[]; index: number } | undefined;
        if (pd?.items && pd.index + 1 < pd.items.length) {
          // The collection was recorded once, when the loop started: from then on only the index.
          const index = pd.index + 1;
          const item = pd.items[index] ?? null;
          this.emit({ type: 'BranchCompleted', pointerId: c.id, persistenceData: { index } });
          return this.branches(this.ptr(c.id), step, [{ item, hasItem: true }]);
        }
        this.emit({ type: 'BranchCompleted', pointerId: c.id });
        return this.complete(c.id, undefined, [], undefined);
      }
      default:
        this.emit({ type: 'BranchCompleted', pointerId: c.id });
        return this.complete(c.id, undefined, [], undefined);
    }
  }

  private fail(pointerId: number, error: StepFailure): void {
    const p = this.ptr(pointerId);
    this.emit({ type: 'StepFailed', pointerId, attempt: p.attempt, error });
    const step = this.step(p);
    const behavior = this.behaviorFor(p, step);
    switch (behavior.type) {
      case 'retry': {
        const max = behavior.maxRetries ?? 3;
        if (max > 0 && p.retryCount >= max) {
          // Pipelines (workflow default 'fail') fail the step with its handlers; others suspend (workflow-core).
          if (this.def.defaultErrorBehavior.type === 'fail') return this.failWithHandlers(p, step);
          this.emit({ type: 'WorkflowSuspended', reason: `step ${step.name} failed ${p.retryCount + 1} times (${error.message})` });
          return;
        }
        this.emit({ type: 'StepRetryScheduled', pointerId, retryCount: p.retryCount + 1, dueAt: this.now + retryDelay(behavior, p.retryCount) });
        return;
      }
      case 'suspend':
        this.emit({ type: 'WorkflowSuspended', reason: `step ${step.name} failed: ${error.message}` });
        return;
      case 'terminate':
        this.emit({ type: 'WorkflowTerminated', reason: `step ${step.name} failed: ${error.message}` });
        return;
      case 'compensate':
        return this.compensate(p, step);
      case 'fail':
        return this.failWithHandlers(p, step);
    }
  }

  private failWithHandlers(p: ExecutionPointer, step: StepDef): void {
    this.startChain(p, handlerLinks(step, p.scope), { kind: 'stop' }, 'fail', [p.id]);
    this.stopFlow();
    this.checkBlock(p.scope[0]);
  }

  /**
   * The workflow is failing: every step still waiting, sleeping or about to run (outside handlers) is
   * cancelled, so that nothing holds the failure up; their containers then fail with their own handlers.
   */
  private stopFlow(): void {
    const ids = activeIds(this.d).filter((id) => {
      const q = this.ptr(id);
      return !q.handler && q.status !== 'waitingForChildren';
    });
    if (ids.length === 0) return;
    const parents = ids.map((id) => this.ptr(id).scope[0]);
    this.emit({ type: 'StepCancelled', pointerIds: ids, reason: 'the workflow is failing' });
    for (const parent of parents) this.checkBlock(parent);
  }

  private behaviorFor(p: ExecutionPointer, step: StepDef): ErrorBehavior {
    if (step.errorBehavior) return step.errorBehavior;
    const compensable = step.compensation !== undefined || p.scope.some((id) => {
      const s = this.step(this.ptr(id));
      return s.kind === 'saga' || s.compensation !== undefined;
    });
    return compensable ? { type: 'compensate' } : this.def.defaultErrorBehavior;
  }

  /**
   * Walk outward from the failing pointer to the first saga or compensable container. A saga undoes
   * every step completed inside it (any depth), most recent first, as a chain; the container's own
   * compensation runs last and the flow resumes after it. Without one, the saga is retried if it
   * retries, and otherwise the flow stops there and the workflow fails.
   */
  private compensate(f: ExecutionPointer, fstep: StepDef): void {
    const links: ChainLink[] = [];
    const handlerIndex = f.scope.findIndex((id) => {
      const s = this.step(this.ptr(id));
      return s.kind === 'saga' || s.compensation !== undefined;
    });
    if (handlerIndex < 0) {
      if (fstep.compensation !== undefined) links.push({ stepId: fstep.compensation, compensates: f.id, scope: f.scope });
      const then: ChainThen = fstep.compensation !== undefined ? { kind: 'resume', pointerId: f.id } : { kind: 'fail' };
      this.startChain(f, links, then, 'compensate', [f.id]);
      if (then.kind === 'fail') this.stopFlow();
      return this.checkBlock(f.scope[0]);
    }
    const h = this.ptr(f.scope[handlerIndex] as number);
    const hstep = this.step(h);
    if (fstep.compensation !== undefined) links.push({ stepId: fstep.compensation, compensates: f.id, scope: h.scope });
    const failed = [f.id, ...f.scope.slice(0, handlerIndex + 1)];
    const cancel = this.activeInside(h.id).filter((id) => !failed.includes(id));
    if (hstep.kind === 'saga') {
      const done: ExecutionPointer[] = [];
      for (const chunk of this.d.pointerChunks) {
        for (const q of chunk as ExecutionPointer[]) {
          if (q.status === 'complete' && q.scope.includes(h.id) && this.step(q).compensation !== undefined) done.push(q);
        }
      }
      done.sort((a, b) => (b.endSeq ?? 0) - (a.endSeq ?? 0));
      for (const q of done) links.push({ stepId: this.step(q).compensation as number, compensates: q.id, scope: h.scope });
    }
    if (hstep.compensation !== undefined) links.push({ stepId: hstep.compensation, compensates: h.id, scope: h.scope });
    const then = this.afterCompensation(h, hstep, fstep);
    if (then.kind === 'fail') links.push(...handlerLinks(hstep, h.scope));
    if (cancel.length > 0) this.emit({ type: 'StepCancelled', pointerIds: cancel, reason: `compensating ${hstep.name}` });
    this.startChain(f, links, then, 'compensate', failed);
    if (then.kind === 'fail') this.stopFlow();
    this.checkBlock(h.scope[0]);
  }

  /**
   * What follows a container's compensations: its own `onError` when it has one (retry re-runs its
   * body, terminate, suspend, fail), else resume after it when it has a compensation, else fail.
   * A container whose retries run out is treated like a step's: suspended (failed in pipelines).
   */
  private afterCompensation(h: ExecutionPointer, hstep: StepDef, fstep: StepDef): ChainThen {
    const eb = hstep.errorBehavior;
    const why = `${hstep.name} failed (${fstep.name}) and was compensated`;
    switch (eb?.type) {
      case 'retry': {
        const max = eb.maxRetries ?? 3;
        if (max === 0 || h.retryCount < max) return { kind: 'retry', pointerId: h.id, delay: retryDelay(eb, h.retryCount) };
        if (this.def.defaultErrorBehavior.type === 'fail') return { kind: 'fail' };
        return { kind: 'suspend', pointerId: h.id, reason: `${why}; ${h.retryCount + 1} runs, no retries left` };
      }
      case 'terminate':
        return { kind: 'terminate', reason: why };
      case 'suspend':
        return { kind: 'suspend', pointerId: h.id, reason: why };
      case 'fail':
        return { kind: 'fail' };
      default:
        return hstep.compensation !== undefined ? { kind: 'resume', pointerId: h.id } : { kind: 'fail' };
    }
  }

  /** Start a handler chain: links run one after another, then `then`. */
  private startChain(p: ExecutionPointer, links: readonly ChainLink[], then: ChainThen, reason: 'compensate' | 'fail' | 'ensure', failed: readonly number[]): void {
    const chainId = this.d.nextChainId;
    this.emit({ type: 'CompensationStarted', pointerId: p.id, chainId, links, then, reason, failed });
    if (links.length === 0) return this.finishChain(chainId, then);
    this.activateLink(chainId, links, 0);
  }

  private activateLink(chainId: number, links: readonly ChainLink[], index: number): void {
    const link = links[index] as ChainLink;
    this.emit({
      type: 'StepsActivated',
      pointers: [{ id: this.nextId(), stepId: link.stepId, scope: link.scope, chainId, chainIndex: index, handler: true, ...(link.compensates !== undefined ? { compensates: link.compensates } : {}) }],
    });
  }

  private advanceChain(chain: HandlerChain, p: ExecutionPointer): void {
    const link = chain.links[chain.index];
    if (!link || p.compensates !== link.compensates || p.stepId !== link.stepId) return;
    if (link.compensates !== undefined) this.emit({ type: 'StepCompensated', pointerId: link.compensates });
    if (chain.index + 1 < chain.links.length) return this.activateLink(chain.id, chain.links, chain.index + 1);
    this.finishChain(chain.id, chain.then);
  }

  private finishChain(chainId: number, then: ChainThen): void {
    this.emit({ type: 'CompensationCompleted', chainId });
    switch (then.kind) {
      case 'resume': {
        const p = this.ptr(then.pointerId);
        this.follow(p, p.outcome, []);
        return this.checkBlock(p.scope[0]);
      }
      case 'retry':
        return this.rerun(this.ptr(then.pointerId), then.delay);
      case 'suspend':
        // As for a step: resuming runs the body again, with its retries counted afresh.
        this.rerun(this.ptr(then.pointerId), undefined, 0);
        this.emit({ type: 'WorkflowSuspended', reason: then.reason });
        return;
      case 'terminate':
        this.emit({ type: 'WorkflowTerminated', reason: then.reason });
        return;
      case 'fail':
      case 'stop':
        return;
    }
  }

  /** Activate a container's step again as a new pointer (one more retry), due after `delay` ms or at once. */
  private rerun(p: ExecutionPointer, delay: number | undefined, retryCount = p.retryCount + 1): void {
    this.emit({
      type: 'StepsActivated',
      pointers: [{
        id: this.nextId(),
        stepId: p.stepId,
        scope: p.scope,
        retryCount,
        ...(delay !== undefined ? { sleepUntil: this.now + delay } : {}),
        ...(p.predecessorId !== undefined ? { predecessorId: p.predecessorId } : {}),
        ...(p.hasItem ? { hasItem: true, item: p.item ?? null } : {}),
      }],
    });
  }

  /** Active pointers inside a container's block, at any depth. */
  private activeInside(containerId: number): number[] {
    return activeIds(this.d).filter((id) => this.ptr(id).scope.includes(containerId));
  }

  /** Once nothing is active and no chain runs, the workflow ends: completed, or failed. */
  settle(): void {
    if (this.d.status !== 'runnable' || this.d.version === 0) return;
    if (this.d.activeCount > 0 || hasKeys(this.d.chains)) return;
    if (this.d.failing) {
      this.emit({ type: 'WorkflowFailed', error: this.d.failing as StepFailure });
      return;
    }
    const missing = (this.def.requiredOutputs ?? []).filter((name) => {
      const data = this.d.data as Record<string, Json> | null;
      return data === null || typeof data !== 'object' || data[name] === undefined;
    });
    if (missing.length > 0) {
      this.emit({ type: 'WorkflowFailed', error: { type: 'MissingOutputs', message: `declared outputs were not produced: ${missing.join(', ')}` } });
      return;
    }
    this.emit({ type: 'WorkflowCompleted' });
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type EventOf<T extends WorkflowEvent['type']> = Omit<Extract<WorkflowEvent, { type: T }>, 'v' | 'at'>;

/** Whether an object has an own key (without making the list of keys). */
function hasKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

type StepCompletedPatches = Extract<Execution, { kind: 'completed' }>['patches'];

function handlerLinks(step: StepDef, scope: readonly number[]): ChainLink[] {
  const links: ChainLink[] = [];
  if (step.onFailure !== undefined) links.push({ stepId: step.onFailure, scope });
  if (step.ensure !== undefined) links.push({ stepId: step.ensure, scope });
  return links;
}

/**
 * Whether outcome or when-case `i` matches: a predicate by what the runtime said (`matched`), a
 * value by JSON equality with the recorded outcome (null without one), no value always.
 */
function matches(c: { readonly value?: Json; readonly fn?: string }, i: number, outcome: Json | undefined, matched: readonly number[]): boolean {
  return c.fn !== undefined ? matched.includes(i) : c.value === undefined || jsonEqual(c.value, outcome ?? null);
}

/** A wait whose timeout has passed with no event: it may run again (and fail). */
function waitTimedOut(p: ExecutionPointer, now: number): boolean {
  return p.status === 'waitingForEvent' && p.eventTimeoutAt !== undefined && p.eventTimeoutAt <= now;
}

/** interval × backoff^retryCount, capped at maxInterval. */
export function retryDelay(b: Extract<ErrorBehavior, { type: 'retry' }>, retryCount: number): number {
  const raw = b.interval * Math.pow(b.backoff ?? 1, retryCount);
  return Math.max(0, Math.min(raw, b.maxInterval ?? Number.POSITIVE_INFINITY));
}
