import type { Json } from '../domain/json.js';
import { WfeError } from '../domain/errors.js';
import { CHILD_ENDED_EVENT, Result, type StepContext, type StepFn } from '../domain/step-api.js';
import { runDenoStep, type DenoStepConfig } from '../executors/deno-executor.js';
import { runShellStep, type ShellStepConfig } from '../executors/shell-executor.js';
import type { OutputStream } from '../executors/run-process.js';
import { readField, parseFieldPath } from './field-path.js';
import type { StepInputSpec } from './spec.js';

/** A chunk of a running step's output, for live display (`wfe run --stream`). */
export interface StepOutputEvent {
  readonly instanceId: string;
  readonly workflowId: string;
  readonly stepName: string;
  readonly stream: OutputStream;
  readonly text: string;
}

/** How the loader's step bodies run their executors. */
export interface ExecutorOptions {
  /** Bytes of stdout and of stderr kept per step. Default 64 KiB. */
  readonly tailBytes?: number;
  /** The Deno binary; default: from the `deno` npm package. */
  readonly denoBinary?: string;
  /** Memory limit (MB) of Deno steps without `memory_limit`. Default 512. */
  readonly denoMemoryLimitMb?: number;
  /** Called with each chunk of step output as it arrives. */
  readonly onOutput?: (event: StepOutputEvent) => void;
}

/** Where a step body runs: its workflow, the YAML file's directory, executor options. */
export interface BodyContext {
  readonly workflowId: string;
  readonly stepName: string;
  readonly baseDir: string;
  readonly executor: ExecutorOptions;
  /** The step's `inputs`: what it sees instead of the whole data. */
  readonly inputs?: readonly StepInputSpec[];
  /** Data keys a shell step may receive as environment variables (see `dataEnvKeys`); its own `inputs` names are added. */
  readonly envKeys?: ReadonlySet<string>;
}

/** The data a step sees: its declared `inputs`, or the whole workflow data (as plain JSON). */
export function stepInputs(data: unknown, inputs: readonly StepInputSpec[] | undefined): Json {
  const plain = JSON.parse(JSON.stringify(data ?? {})) as Json;
  if (!inputs) return plain;
  const out: Record<string, Json> = {};
  for (const input of inputs) {
    if (input.path !== undefined) {
      const { found, value } = readField(plain, parseFieldPath(input.path).segments);
      if (found) out[input.name] = value as Json;
    } else if (input.value !== undefined) out[input.name] = input.value;
    else if (typeof plain === 'object' && plain !== null && !Array.isArray(plain) && input.name in plain) out[input.name] = plain[input.name]!;
  }
  return out;
}

function streamTo(ctx: StepContext, at: BodyContext): ((stream: OutputStream, chunk: Buffer) => void) | undefined {
  const sink = at.executor.onOutput;
  if (!sink) return undefined;
  return (stream, chunk) => sink({ instanceId: ctx.instanceId, workflowId: at.workflowId, stepName: at.stepName, stream, text: chunk.toString() });
}

/** The body of a `type: shell` step. */
export function shellBody(at: BodyContext, config: ShellStepConfig): StepFn {
  return (ctx) =>
    runShellStep({
      stepName: at.stepName,
      config: (ctx.config as ShellStepConfig | undefined) ?? config,
      data: stepInputs(ctx.data, at.inputs),
      dataEnvKeys: [...(at.envKeys ?? []), ...(at.inputs ?? []).map((i) => i.name)],
      signal: ctx.signal,
      baseDir: at.baseDir,
      tailBytes: at.executor.tailBytes,
      onOutput: streamTo(ctx, at),
    });
}

/** The body of a `type: deno` step. */
export function denoBody(at: BodyContext, config: DenoStepConfig): StepFn {
  return (ctx) =>
    runDenoStep({
      stepName: at.stepName,
      config: (ctx.config as DenoStepConfig | undefined) ?? config,
      data: stepInputs(ctx.data, at.inputs),
      signal: ctx.signal,
      baseDir: at.baseDir,
      tailBytes: at.executor.tailBytes,
      denoBinary: at.executor.denoBinary,
      memoryLimitMb: at.executor.denoMemoryLimitMb,
      onOutput: streamTo(ctx, at),
    });
}

/** What a `type: workflow` step needs to know about its child. */
export interface ChildTarget {
  readonly id: string;
  readonly version: number;
  /** Output names copied back into the parent's data. */
  readonly outputs: readonly string[];
  /** Throws when the child's data does not fit its declared inputs. */
  readonly checkInputs: (data: unknown) => void;
  /** Problems with the child's declared outputs (types), empty when fine. */
  readonly checkOutputs: (data: unknown) => string[];
}

/** What the host publishes (`CHILD_ENDED_EVENT`) when a child workflow ends. */
interface ChildEnded {
  readonly status?: string;
  readonly data?: Json;
  readonly error?: { readonly message?: string } | string;
}

/**
 * The body of a `type: workflow` step: starts the child (id derived from instance, pointer and
 * attempt, so a re-execution after a crash finds the same child and a retry starts a new one),
 * waits for `CHILD_ENDED_EVENT`, then fails unless the child completed, else returns its outputs.
 */
export function workflowBody(at: BodyContext, child: ChildTarget): StepFn {
  return async (ctx) => {
    if (ctx.event) {
      const ended = (ctx.event.data ?? {}) as ChildEnded;
      if (ended.status !== 'complete') {
        const why = typeof ended.error === 'string' ? ended.error : ended.error?.message;
        throw new WfeError('EXECUTOR_FAILED', `step '${at.stepName}': child workflow '${child.id}' (${ctx.event.key}) ended ${ended.status ?? 'without a status'}${why ? `: ${why}` : ''}`, {
          childId: ctx.event.key, status: ended.status ?? null, error: ended.error ?? null,
        });
      }
      const problems = child.checkOutputs(ended.data);
      if (problems.length) {
        throw new WfeError('EXECUTOR_FAILED', `step '${at.stepName}': child workflow '${child.id}' outputs do not match their declared types: ${problems.join('; ')}`, { childId: ctx.event.key });
      }
      const out: Record<string, Json> = {};
      const data = ended.data;
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
        for (const name of child.outputs) if (Object.prototype.hasOwnProperty.call(data, name)) out[name] = data[name]!;
      }
      return out;
    }
    const data = stepInputs(ctx.data, at.inputs);
    child.checkInputs(data);
    const childId = await ctx.workflows.startChild({
      definitionId: child.id,
      version: child.version,
      data,
      childId: `${ctx.instanceId}.${ctx.pointerId}.${ctx.attempt}`,
    });
    return Result.waitForEvent(CHILD_ENDED_EVENT, childId, 0);
  };
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** The output mapping of every YAML step: the output's keys are merged into the data. */
export function mergeOutputs(draft: Record<string, unknown>, output: unknown): void {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return;
  for (const [k, v] of Object.entries(output)) if (!UNSAFE.has(k)) draft[k] = v;
}
