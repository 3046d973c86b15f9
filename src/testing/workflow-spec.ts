import { isDeepStrictEqual, inspect } from 'node:util';
import { either as E } from 'fp-ts';
import type { BuiltWorkflow } from '../domain/builder.js';
import type { Command } from '../domain/commands.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { decide, type Decision } from '../domain/decide.js';
import type { WfeErrorCode } from '../domain/errors.js';
import type { WorkflowEvent } from '../domain/events.js';
import { fold } from '../domain/evolve.js';
import type { InstanceState } from '../domain/state.js';

/** An event as a spec writes it: `v` and `at` may be left out (they default to 1 and 0, and are not compared). */
export type SpecEvent = WorkflowEvent extends infer E ? (E extends WorkflowEvent ? Omit<E, 'v' | 'at'> & { v?: 1; at?: number } : never) : never;

/** Why a spec failed: the expected and actual values, printed in the message. */
export class WorkflowSpecError extends Error {
  constructor(message: string, readonly expected: unknown, readonly actual: unknown) {
    super(`${message}\nexpected: ${inspect(expected, { depth: 8 })}\nactual:   ${inspect(actual, { depth: 8 })}`);
    this.name = 'WorkflowSpecError';
  }
}

/** `given(events)`: the history so far. */
export interface WorkflowSpec {
  given(events: readonly SpecEvent[]): GivenSpec;
}

/** `when(command, { now })`: the command to decide on the folded history. */
export interface GivenSpec {
  /** The state the history folds into (for a closer look). */
  readonly state: InstanceState;
  when(command: Command, ctx?: { readonly now?: number }): WhenSpec;
}

/** `then(events)`: what `decide` must emit (compared without `v` and `at`), or `thenRejects(code)`. */
export interface WhenSpec {
  /** Asserts the emitted events equal `expected` exactly, in order; returns the decision. */
  then(expected: readonly SpecEvent[]): Decision;
  /** Asserts the command is rejected with this error code; returns the error's message. */
  thenRejects(code: WfeErrorCode): string;
  /** The decision, whatever it is (throws if the command was rejected). */
  decision(): Decision;
}

const strip = (e: SpecEvent | WorkflowEvent): Record<string, unknown> => {
  const { v: _v, at: _at, ...rest } = e as WorkflowEvent;
  return rest;
};

/**
 * Given/when/then over the pure `decide`, in the style of emmett's `DeciderSpecification`:
 *
 * ```ts
 * workflowSpec(built)
 *   .given([{ type: 'WorkflowStarted', … }, { type: 'StepsActivated', pointers: [{ id: 0, stepId: 0, scope: [] }] }])
 *   .when({ type: 'Execute', pointerId: 0, attempt: 1, startedAt: 0, execution: { kind: 'completed' } })
 *   .then([{ type: 'StepStarted', pointerId: 0, attempt: 1 }, { type: 'StepCompleted', pointerId: 0 }, …]);
 * ```
 * No runtime, no store, no user code: the rules of the domain alone. Throws `WorkflowSpecError`.
 */
export function workflowSpec(workflow: BuiltWorkflow | WorkflowDefinition): WorkflowSpec {
  const definition = 'definition' in workflow ? workflow.definition : workflow;
  return {
    given(events) {
      const state = fold(undefined, events.map((e) => ({ v: 1, at: 0, ...e }) as WorkflowEvent));
      return {
        state,
        when(command, ctx = {}) {
          const result = decide(definition, state, command, { now: ctx.now ?? 0 });
          const decision = (): Decision => {
            if (E.isLeft(result)) throw new WorkflowSpecError('the command was rejected', 'a decision', `${result.left.code}: ${result.left.message}`);
            return result.right;
          };
          return {
            decision,
            then(expected) {
              const d = decision();
              const actual = d.events.map(strip);
              const want = expected.map(strip);
              if (!isDeepStrictEqual(actual, want)) throw new WorkflowSpecError('decide emitted other events', want, actual);
              return d;
            },
            thenRejects(code) {
              if (E.isRight(result)) throw new WorkflowSpecError(`the command was accepted, not rejected with ${code}`, code, result.right.events.map(strip));
              const error = result.left;
              if (error.code !== code) throw new WorkflowSpecError('the command was rejected with another code', code, `${error.code}: ${error.message}`);
              return error.message;
            },
          };
        },
      };
    },
  };
}

/**
 * The events that a list of commands produce from the beginning (each decided on the state the
 * previous ones left, at time `now`): a short way to write a long `given`. Throws on a rejection.
 */
export function historyOf(workflow: BuiltWorkflow | WorkflowDefinition, commands: readonly Command[], now = 0): WorkflowEvent[] {
  const definition = 'definition' in workflow ? workflow.definition : workflow;
  let state: InstanceState | undefined;
  const events: WorkflowEvent[] = [];
  for (const command of commands) {
    const r = decide(definition, state ?? fold(undefined, []), command, { now });
    if (E.isLeft(r)) throw new WorkflowSpecError(`history: ${command.type} was rejected`, 'a decision', `${r.left.code}: ${r.left.message}`);
    state = r.right.state;
    events.push(...r.right.events);
  }
  return events;
}
