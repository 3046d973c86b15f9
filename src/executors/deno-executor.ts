import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json } from '../domain/json.js';
import { WfeError } from '../domain/errors.js';
import { resolveDenoBinary } from './deno-binary.js';
import { findDenial, importMap, permissionFlags, type DenoPermissions } from './deno-permissions.js';
import { denoPrelude } from './deno-prelude.js';
import { parseDuration } from './duration.js';
import { memoryLimitOf, ranOutOfMemory, withDataLimit } from './memory-limit.js';
import { runProcess, type OutputStream } from './run-process.js';
import { failIfUnsuccessful } from './shell-executor.js';

/** A Deno step's `config` in YAML. */
export interface DenoStepConfig {
  /** Inline JavaScript or TypeScript. Exactly one of `script` and `file`. */
  readonly script?: string;
  /** A script file (relative to `baseDir`); modules beside it may be imported. */
  readonly file?: string;
  readonly permissions?: DenoPermissions;
  /** Variables for the script; the names listed here are readable without `permissions.env`. */
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  /** Hard limit: the process is killed (SIGKILL), even in a synchronous infinite loop. */
  readonly timeout?: string | number;
  /** `512MB`, `1GB`, or a number of MB: V8's heap limit and an OS limit on all allocations. Default 512 MB. */
  readonly memory_limit?: string | number;
}

/** One execution of a Deno step. */
export interface DenoStepRequest {
  readonly stepName: string;
  readonly config: DenoStepConfig;
  /** What `inputs()` / `Wfe.getData()` return. */
  readonly data: unknown;
  readonly signal?: AbortSignal;
  readonly baseDir?: string;
  readonly tailBytes?: number;
  /** The Deno binary; default: from the `deno` npm package. */
  readonly denoBinary?: string;
  /** Memory limit in MB for steps without `memory_limit`. Default 512. */
  readonly memoryLimitMb?: number;
  readonly onOutput?: (stream: OutputStream, chunk: Buffer) => void;
}

/** Outputs go into the data and the log: 1 MiB per step, like shell markers. */
const MAX_OUTPUT_FILE = 1024 * 1024;
let workRoot: string | undefined;
let runCounter = 0;

/** One private temp directory per process: a `DENO_DIR` (nothing shared with the user's cache) and run dirs. */
function root(): string {
  if (!workRoot) {
    const dir = mkdtempSync(join(tmpdir(), 'wfe-deno-'));
    workRoot = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return workRoot;
}

/**
 * Runs a Deno step on the real Deno binary with nothing allowed but what `permissions` grants, and
 * returns what the script passed to `output()`, plus `<step>.stdout` and `<step>.stderr`.
 * A denied access fails the step with an error naming the permission (`details.permission`).
 */
export async function runDenoStep(request: DenoStepRequest): Promise<Record<string, Json>> {
  const { config, stepName } = request;
  const deno = request.denoBinary ?? resolveDenoBinary();
  const baseDir = request.baseDir ?? process.cwd();
  const timeoutMs = config.timeout === undefined ? undefined : parseDuration(config.timeout);
  if (config.timeout !== undefined && timeoutMs === undefined) {
    throw new WfeError('EXECUTOR_FAILED', `step '${stepName}': bad timeout ${JSON.stringify(config.timeout)}`);
  }
  const memoryMb = memoryLimitOf(stepName, config.memory_limit, request.memoryLimitMb);
  const runDir = join(root(), `run-${process.pid}-${++runCounter}`);
  await mkdir(runDir, { recursive: true });
  try {
    const outFile = join(runDir, 'outputs.jsonl');
    const scriptPath = config.file !== undefined ? (isAbsolute(config.file) ? config.file : resolve(baseDir, config.file)) : join(runDir, 'script.ts');
    if (config.file === undefined) await writeFile(scriptPath, config.script ?? '');
    await writeFile(join(runDir, 'inputs.json'), JSON.stringify(request.data ?? null) ?? 'null');
    await writeFile(join(runDir, 'prelude.js'), denoPrelude(outFile));
    await writeFile(join(runDir, 'main.js'), `import "./prelude.js";\nimport ${JSON.stringify(pathToFileURL(scriptPath).href)};\n`);
    await writeFile(outFile, '');
    const perms = withEnvNames(config.permissions ?? {}, config.env);
    const allowedDirs = config.file !== undefined ? [runDir, dirname(scriptPath)] : [runDir];
    await writeFile(join(runDir, 'import-map.json'), JSON.stringify(importMap(perms, allowedDirs, baseDir)));
    const args = [
      'run', '--quiet', '--no-prompt', '--no-config', '--no-lock', `--import-map=${join(runDir, 'import-map.json')}`,
      `--v8-flags=--max-old-space-size=${memoryMb}`,
      ...permissionFlags(perms, { baseDir, privateWrite: outFile }),
      join(runDir, 'main.js'),
    ];
    const limited = withDataLimit(deno, args, memoryMb);
    const result = await runProcess({
      command: limited.command,
      args: limited.args,
      cwd: baseDir,
      env: denoEnv(config.env),
      timeoutMs,
      killGraceMs: 0,
      signal: request.signal,
      tailBytes: request.tailBytes,
      onOutput: request.onOutput,
    });
    const stdout = result.stdout.toString();
    const stderr = result.stderr.toString();
    if (!result.timedOut && !result.aborted && result.exitCode !== 0) {
      if (ranOutOfMemory(stderr, result.signal)) {
        throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' exceeded its memory limit (${memoryMb} MB); raise it with config.memory_limit`, {
          memoryLimitMb: memoryMb, exitCode: result.exitCode, signal: result.signal, stdout, stderr: stderr.slice(-4000),
        });
      }
      const denial = findDenial(stderr);
      if (denial) {
        throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' was ${denial.message}`, {
          permission: denial.permission, target: denial.target, exitCode: result.exitCode, stdout, stderr,
        });
      }
      const uncaught = /^error: (?:Uncaught (?:\(in promise\) )?)?(.+)$/m.exec(stderr)?.[1];
      if (uncaught) {
        throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' failed: ${uncaught.slice(0, 300)}`, { exitCode: result.exitCode, stdout, stderr });
      }
    }
    failIfUnsuccessful(stepName, result, stdout, stderr);
    return { ...(await readOutputs(outFile, stepName)), [`${stepName}.stdout`]: stdout, [`${stepName}.stderr`]: stderr };
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

async function readOutputs(file: string, stepName: string): Promise<Record<string, Json>> {
  const size = (await stat(file)).size;
  if (size > MAX_OUTPUT_FILE) throw new WfeError('EXECUTOR_FAILED', `step '${stepName}' produced more than 1 MiB of outputs`);
  const outputs: Record<string, Json> = {};
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new WfeError('EXECUTOR_FAILED', `step '${stepName}': its output channel holds a line that is not JSON (was it written to directly?)`);
    }
    const { k, v } = (entry ?? {}) as { k?: unknown; v?: Json };
    if (typeof k !== 'string' || k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    outputs[k] = v ?? null;
  }
  return outputs;
}

function withEnvNames(perms: DenoPermissions, env: DenoStepConfig['env']): DenoPermissions {
  const names = Object.keys(env ?? {});
  if (!names.length || perms.env === true) return perms;
  return { ...perms, env: [...(Array.isArray(perms.env) ? perms.env : []), ...names] };
}

function denoEnv(env: DenoStepConfig['env']): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DENO_') && k !== 'NO_COLOR') out[k] = v;
  for (const [k, v] of Object.entries(env ?? {})) out[k] = String(v);
  return { ...out, DENO_DIR: join(root(), 'deno-dir'), NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
}
