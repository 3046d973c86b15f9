import { isAbsolute, resolve } from 'node:path';
import type { Json } from '../domain/json.js';
import { WfeError } from '../domain/errors.js';
import { dataToEnv } from './data-env.js';
import { parseDuration } from './duration.js';
import { createOutputFile } from './output-file.js';
import { MarkerCollector } from './output-markers.js';
import { runProcess, type OutputStream, type ProcessResult } from './run-process.js';

/** A shell step's `config` in YAML. */
export interface ShellStepConfig {
  /** The script, passed to the shell with `-c`. Exactly one of `run` and `file`. */
  readonly run?: string;
  /** A script file run by the shell (relative to `baseDir`). */
  readonly file?: string;
  /** The shell program, optionally with arguments (`bash -eo pipefail`). Default `sh`. */
  readonly shell?: string;
  /** Variables set by the workflow's author; they win over data-derived variables. */
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  /** Working directory (relative to `baseDir`). Default `baseDir`. */
  readonly working_dir?: string;
  /** `"30s"`, `"5m"`, or ms: kill the whole process group after this long. */
  readonly timeout?: string | number;
}

/** One execution of a shell step. */
export interface ShellStepRequest {
  readonly stepName: string;
  readonly config: ShellStepConfig;
  /** The data the step sees: its keys listed in `dataEnvKeys` become UPPER_CASE environment variables. */
  readonly data: unknown;
  /**
   * The top-level data keys that may reach the environment: the names the workflow's author
   * declared (inputs, outputs, step `inputs:`). Any other key is never exported. Default: none.
   */
  readonly dataEnvKeys?: Iterable<string>;
  readonly signal?: AbortSignal;
  /** Directory relative paths are resolved against (the YAML file's). Default: the process's cwd. */
  readonly baseDir?: string;
  /** Bytes of stdout and of stderr kept. Default 64 KiB each. */
  readonly tailBytes?: number;
  /** Environment the step inherits. Default `process.env`. */
  readonly baseEnv?: NodeJS.ProcessEnv;
  readonly onOutput?: (stream: OutputStream, chunk: Buffer) => void;
}

/**
 * Runs a shell step and returns its outputs: what it wrote to `$WFE_OUTPUT` (see `OutputFile`),
 * plus `<step>.stdout` and `<step>.stderr` (bounded tails). `##wfe[output NAME=VALUE]` lines on
 * stdout also set outputs, but only in a step whose environment received no workflow data: data
 * printed by the script (in any encoding a shell decodes) could otherwise pose as a marker.
 *
 * Workflow data reaches the command only through its environment (declared keys, see
 * `dataToEnv`), never its text.
 * Throws `WfeError('EXECUTOR_FAILED')` on a non-zero exit or an abort and `WfeError('TIMEOUT')`
 * on a timeout, with `details` holding the exit code and both tails.
 */
export async function runShellStep(request: ShellStepRequest): Promise<Record<string, Json>> {
  const { config, stepName } = request;
  const baseDir = request.baseDir ?? process.cwd();
  const [shell = 'sh', ...shellArgs] = (config.shell ?? 'sh').trim().split(/\s+/);
  const args = config.file !== undefined ? [...shellArgs, resolvePath(baseDir, config.file)] : [...shellArgs, '-c', config.run ?? ''];
  const timeoutMs = config.timeout === undefined ? undefined : parseDuration(config.timeout);
  if (config.timeout !== undefined && timeoutMs === undefined) {
    throw new WfeError('EXECUTOR_FAILED', `step '${stepName}': bad timeout ${JSON.stringify(config.timeout)}`);
  }
  const { env: dataEnv, skipped, undeclared } = dataToEnv(request.data, request.dataEnvKeys ?? []);
  const outputFile = await createOutputFile();
  try {
    const env: NodeJS.ProcessEnv = {
      ...(request.baseEnv ?? process.env),
      ...dataEnv,
      ...stringify(config.env),
      WFE_OUTPUT: outputFile.path,
      WFE_OUTPUT_DELIMITER: outputFile.delimiter,
    };
    const markers = new MarkerCollector();
    const result = await runProcess({
      command: shell,
      args,
      cwd: config.working_dir !== undefined ? resolvePath(baseDir, config.working_dir) : baseDir,
      env,
      timeoutMs,
      signal: request.signal,
      tailBytes: request.tailBytes,
      onOutput: (stream, chunk) => {
        if (stream === 'stdout') markers.push(chunk);
        request.onOutput?.(stream, chunk);
      },
    });
    markers.end();
    const dataInEnv = Object.keys(dataEnv).length > 0;
    const markerCount = Object.keys(markers.outputs).length;
    const notes = [
      ...skipped.map((s) => `[wfe: data key '${s.key}' not exported to the environment: ${s.reason}]`),
      ...(undeclared.length ? [`[wfe: data keys not exported to the environment (not declared as an input or output): ${undeclared.slice(0, 20).join(', ')}${undeclared.length > 20 ? ', …' : ''}]`] : []),
      ...(dataInEnv && markerCount
        ? [`[wfe: ignored ${markerCount} ##wfe[output] marker(s) on stdout: this step received workflow data in its environment, so a marker could be data it printed; write NAME=VALUE lines to $WFE_OUTPUT instead]`]
        : []),
      ...markers.ignored.map((line) => `[wfe: ignored output marker (outputs went past their limit): ${line.slice(0, 200)}]`),
    ];
    const stdout = result.stdout.toString();
    const stderr = notes.length ? `${notes.join('\n')}\n${result.stderr.toString()}` : result.stderr.toString();
    failIfUnsuccessful(stepName, result, stdout, stderr);
    const written = await outputFile.read(stepName);
    return { ...(dataInEnv ? {} : markers.outputs), ...written, [`${stepName}.stdout`]: stdout, [`${stepName}.stderr`]: stderr };
  } finally {
    await outputFile.dispose();
  }
}

/** Throws the step error for a timeout, an abort or a non-zero exit. */
export function failIfUnsuccessful(stepName: string, result: ProcessResult, stdout: string, stderr: string): void {
  const details = {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    stdout,
    stderr,
    stdoutBytes: result.stdout.totalBytes,
    stderrBytes: result.stderr.totalBytes,
    durationMs: Math.round(result.durationMs),
  };
  if (result.timedOut) {
    throw new WfeError('TIMEOUT', `step '${stepName}' timed out after ${Math.round(result.durationMs)} ms; its process group was killed`, details);
  }
  if (result.aborted) throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' was aborted; its process group was killed`, details);
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
    const last = lastLine(stderr) ?? lastLine(stdout);
    throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' ${how}${last ? `: ${last}` : ''}`, details);
  }
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('[wfe:'));
  const line = lines[lines.length - 1];
  return line === undefined ? undefined : line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function stringify(env: ShellStepConfig['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = String(v);
  return out;
}
