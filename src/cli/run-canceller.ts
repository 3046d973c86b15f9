import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import type { FunctionRegistry, RegisteredFunction, StepContext, StepFn } from '../domain/step-api.js';
import { stepRoles } from './progress/step-roles.js';

/**
 * Stops a run from the outside (`--timeout`, Ctrl-C). The host has no way to abort running steps,
 * so the command wraps the step bodies: each execution sees a signal the canceller controls
 * (through `ctx.signal`, which the shell and Deno executors obey by killing the process group).
 *
 * `cancel` kills the steps running now; after it, steps fail at once without running, except
 * `on_failure` and `ensure` handlers, so cleanup still happens (like `if: always()` steps), and a
 * `type: workflow` step that receives its child's end (it only reads the child's result).
 * `kill` stops everything, handlers included.
 */
export class RunCanceller {
  private current = new AbortController();
  private readonly hard = new AbortController();
  private reason: string | undefined;
  private readonly handlers = new Map<string, ReadonlySet<number>>();
  /** One controller per instance, to stop a child workflow whose calling step was cancelled. */
  private readonly killed = new Map<string, AbortController>();

  constructor(definitions: readonly WorkflowDefinition[]) {
    for (const d of definitions) this.handlers.set(`${d.id}@${d.version}`, new Set(stepRoles(d).keys()));
  }

  /** True once `cancel` or `kill` was called. */
  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  /**
   * A copy of the registry whose step bodies obey this canceller. `onSettled` is told when a body
   * has finished (the engine records a pass's results together, so a fast step's event can wait
   * for a slow sibling's: this is when the step itself ended).
   */
  wrap(registry: FunctionRegistry, onSettled?: (ctx: StepContext, at: number) => void): Map<string, RegisteredFunction> {
    const out = new Map<string, RegisteredFunction>();
    for (const [name, fn] of registry) {
      if (fn.kind !== 'body') {
        out.set(name, fn);
        continue;
      }
      const body = fn.fn as unknown as StepFn;
      const wrapped: StepFn = (ctx: StepContext) => {
        const instance = this.instanceController(ctx.instanceId);
        if (instance.signal.aborted) throw new WfeError('EXECUTOR_FAILED', `step '${ctx.step.name}' did not run: ${String(instance.signal.reason)}`);
        if (this.reason !== undefined && ctx.event === undefined && !this.isHandler(ctx)) throw new WfeError('EXECUTOR_FAILED', `step '${ctx.step.name}' did not run: ${this.reason}`);
        const result = body({ ...ctx, signal: AbortSignal.any([ctx.signal, this.current.signal, this.hard.signal, instance.signal]) });
        const settled = () => onSettled?.(ctx, Date.now());
        void Promise.resolve(result).then(settled, settled);
        return result;
      };
      out.set(name, { kind: 'body', fn: wrapped as never });
    }
    return out;
  }

  /** Kill the steps running now; later steps do not run, except on_failure / ensure handlers. */
  cancel(reason: string): void {
    this.reason ??= reason;
    this.current.abort(new Error(reason));
    this.current = new AbortController();
  }

  /** Kill everything that runs or will run, handlers included. */
  kill(reason: string): void {
    this.reason ??= reason;
    this.hard.abort(new Error(reason));
  }

  /** Kill the running steps of one instance; its later steps fail at once, handlers included. */
  killInstance(instanceId: string, reason: string): void {
    this.instanceController(instanceId).abort(reason);
  }

  private instanceController(instanceId: string): AbortController {
    let c = this.killed.get(instanceId);
    if (!c) {
      c = new AbortController();
      this.killed.set(instanceId, c);
    }
    return c;
  }

  private isHandler(ctx: StepContext): boolean {
    return this.handlers.get(`${ctx.definitionId}@${ctx.definitionVersion}`)?.has(ctx.step.id) ?? false;
  }
}
