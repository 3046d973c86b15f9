import { spawn } from 'node:child_process';
import { WfeError } from '../domain/errors.js';
import { TailBuffer } from './tail-buffer.js';

/** Which stream a chunk of step output came from. */
export type OutputStream = 'stdout' | 'stderr';

/** What `runProcess` runs and how. */
export interface RunProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Kill the whole process group after this many ms. */
  readonly timeoutMs?: number;
  /** ms between SIGTERM and SIGKILL on timeout or abort; 0 sends SIGKILL at once. Default 1000. */
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
  /** Bytes kept per stream. */
  readonly tailBytes?: number;
  /** Called with every chunk as it arrives (live progress, marker parsing). */
  readonly onOutput?: (stream: OutputStream, chunk: Buffer) => void;
}

/** How a process ended and the tails of its output. */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly stdout: TailBuffer;
  readonly stderr: TailBuffer;
  readonly durationMs: number;
}

/** After the main process exits, how long to wait for pipes held open by its background children. */
const PIPE_GRACE_MS = 300;

/**
 * Runs a program in its own process group (so a timeout or an abort kills every process it
 * started, not just the first), keeping a bounded tail of each output stream.
 * Rejects only when the program cannot be started; a non-zero exit is a normal result.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const stdout = new TailBuffer(options.tailBytes);
  const stderr = new TailBuffer(options.tailBytes);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new WfeError('EXECUTOR_FAILED', `not started: the step was aborted`, { aborted: true }));
      return;
    }
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const stop = (): void => {
      const grace = options.killGraceMs ?? 1000;
      if (grace <= 0) {
        killGroup('SIGKILL');
        return;
      }
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), grace));
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs),
      );
    }
    const finish = (): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      // Whatever is left of the group after a kill (a process that ignored SIGTERM) goes now.
      if (timedOut || aborted) killGroup('SIGKILL');
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        aborted,
        stdout,
        stderr,
        durationMs: performance.now() - started,
      });
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      options.onOutput?.('stdout', chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      options.onOutput?.('stderr', chunk);
    });
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new WfeError('EXECUTOR_FAILED', `cannot start ${options.command}: ${err.message}`, { command: options.command }, { cause: err }));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(finish, PIPE_GRACE_MS));
    });
    child.on('close', (code, signal) => {
      exit ??= { code, signal };
      finish();
    });
  });
}
