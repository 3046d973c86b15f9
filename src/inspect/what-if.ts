import { createMemoryEventLog } from '../adapters/memory/memory-event-log.js';
import type { Command } from '../domain/commands.js';
import { decideAll } from '../domain/decide.js';
import type { WorkflowDefinition } from '../domain/definition.js';
import { WfeError } from '../domain/errors.js';
import { fold } from '../domain/evolve.js';
import { pathPatches, type ForkPatch } from '../domain/fork.js';
import type { Json } from '../domain/json.js';
import { runnablePointers } from '../domain/queries.js';
import { activePointers, isTerminal, type InstanceState } from '../domain/state.js';
import type { Persistence } from '../ports/persistence.js';
import { SimulatedClock } from '../testing/simulated-clock.js';
import { diffStates } from './diff-states.js';
import { prepareFork, type ForkEnv } from './fork-instance.js';
import { historyEntries } from './history-entries.js';
import type { ForkOptions, WhatIfResult } from './inspector.js';
import { readPrefix, storedDefinition } from './read-prefix.js';
import { stateView } from './state-view.js';

/** What a step returns in the sandbox instead of running its code: an outcome and data to set, or a failure. */
export type WhatIfStub = { readonly outcome?: Json; readonly set?: readonly ForkPatch[] } | { readonly error: string };

/** What-if options: a fork, plus stubs by step name for the steps the sandbox may run. */
export interface WhatIfOptions extends ForkOptions {
  readonly stubs?: Readonly<Record<string, WhatIfStub>>;
  /** At most this many decisions (default 1000). */
  readonly maxSteps?: number;
}

const SIDE_EFFECT_FREE = new Set(['sequence', 'parallel', 'saga']);

/**
 * The fork in a sandbox (an in-memory log and a simulated clock), nothing written to the store.
 * The recorded events up to the fork point are the original's; from there, containers without code
 * (sequence, parallel, saga) are entered, timers fire on the simulated clock, and a step with code
 * runs only through a stub the caller gives: the sandbox stops before the first new side effect.
 * Returns the sandbox history, its state, and the diff of the fork's state against the original's head.
 */
export async function whatIf(p: Persistence, sourceId: string, options: WhatIfOptions, env: ForkEnv): Promise<WhatIfResult> {
  const fork = await prepareFork(p, sourceId, options, { ...env, newId: () => `${sourceId}~what-if` });
  const definition = await storedDefinition(p.definitions, fork.state.definitionId, fork.state.definitionVersion);
  if (!definition) throw new WfeError('UNKNOWN_DEFINITION', `definition ${fork.state.definitionId}@${fork.state.definitionVersion} is not in the store: what-if needs it`, { instanceId: sourceId });
  const clock = new SimulatedClock(env.now());
  const log = createMemoryEventLog({ clock: () => clock.now() });
  const append = async (state: InstanceState, events: Parameters<typeof log.appendBatch>[0][number]['events']) => {
    const [o] = await log.appendBatch([{ streamId: fork.instanceId, expectedVersion: state.version, events, meta: { actor: 'what-if', ...(options.reason ? { reason: options.reason } : {}) } }]);
    if (!o?.ok) throw new WfeError('INVALID_STATE', 'the sandbox append failed');
  };
  await append({ version: 0 } as InstanceState, fork.events);
  let state = fork.state;
  let stoppedBecause = '';
  for (let n = 0; n < (options.maxSteps ?? 1000) && !stoppedBecause; n++) {
    const step = nextCommands(definition, state, clock.now(), options.stubs ?? {});
    if ('stop' in step) {
      if (step.advanceTo !== undefined) {
        await clock.set(step.advanceTo);
        continue;
      }
      stoppedBecause = step.stop;
      break;
    }
    const d = decideAll(definition, state, step.commands, { now: clock.now() });
    if (d.events.length === 0) {
      stoppedBecause = `no progress: ${d.rejected.map((r) => r.error.message).join('; ') || 'nothing to do'}`;
      break;
    }
    await append(state, d.events);
    state = d.state;
  }
  if (!stoppedBecause) stoppedBecause = `stopped after ${options.maxSteps ?? 1000} decisions`;
  const { events: original } = await readPrefix(p.log, sourceId);
  const originalHead = fold(undefined, original.map((e) => e.event));
  return {
    history: historyEntries(definition, await log.read(fork.instanceId)),
    state: stateView(definition, state),
    diff: diffStates(definition, originalHead, state),
    stoppedBecause,
  };
}

/** The commands the sandbox may decide now, or why it stops (or until when the clock must move). */
function nextCommands(definition: WorkflowDefinition, state: InstanceState, now: number, stubs: Readonly<Record<string, WhatIfStub>>): { commands: Command[] } | { stop: string; advanceTo?: number } {
  if (isTerminal(state.status)) return { stop: `it ended: ${state.status}` };
  if (state.status === 'suspended') return { stop: `it was suspended: ${state.suspendReason ?? ''}` };
  const runnable = runnablePointers(state, now);
  if (runnable.length === 0) {
    const active = activePointers(state);
    const sleeping = active.filter((p) => p.status === 'sleeping' && p.sleepUntil !== undefined).map((p) => p.sleepUntil as number);
    if (sleeping.length) return { stop: 'timer', advanceTo: Math.min(...sleeping) };
    const waiting = active.filter((p) => p.status === 'waitingForEvent');
    if (waiting.length) return { stop: `it waits for ${waiting.map((p) => `${p.eventName}/${p.eventKey}`).join(', ')}` };
    return { stop: 'nothing to run' };
  }
  const commands: Command[] = [];
  for (const p of runnable) {
    const step = definition.steps[p.stepId];
    if (!step) return { stop: `the definition has no step ${p.stepId}` };
    const attempt = p.attempt + 1;
    if (SIDE_EFFECT_FREE.has(step.kind)) {
      commands.push({ type: 'Execute', pointerId: p.id, attempt, startedAt: now, execution: { kind: 'enter' } });
      continue;
    }
    const stub = stubs[step.name];
    if (!stub) return { stop: `it would run step ${step.name} (${step.kind}): a new side effect; give a stub to go further` };
    if ('error' in stub) {
      commands.push({ type: 'Execute', pointerId: p.id, attempt, startedAt: now, execution: { kind: 'failed', error: { type: 'Stubbed', message: stub.error } } });
      continue;
    }
    const patches = pathPatches(state.data, stub.set ?? []);
    commands.push({ type: 'Execute', pointerId: p.id, attempt, startedAt: now, execution: { kind: 'completed', ...(stub.outcome !== undefined ? { outcome: stub.outcome } : {}), ...(patches.length ? { patches } : {}) } });
  }
  return { commands };
}
