/**
 * Runs the `wfe` command as a real child process (`node --import tsx src/cli/main.ts ...`), the
 * way a user or CI runs it: not a terminal, no colours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (the command runs from it, like `npm run wfe`). */
export const ROOT = resolve(import.meta.dirname, '../..');

/** A finished command. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command still running, with what it printed so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly result: Promise<CliResult>;
  stdout(): string;
  /** Resolves once stdout matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Starts `wfe ARGS` from the repository root. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of watchers) w();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const result = new Promise<CliResult>((done) => child.on('close', (code) => done({ code, stdout: out, stderr: err })));
  return {
    child,
    result,
    stdout: () => out,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolveMatch, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${out}\n${err}`)), timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (!m) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolveMatch(m);
        };
        watchers.add(check);
        check();
      }),
  };
}

/** Runs `wfe ARGS` to its end. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).result;
}

/** A fixture of test/fixtures/cli, relative to the repository root. */
export function fixture(name: string): string {
  return `test/fixtures/cli/${name}`;
}

/** A temporary folder, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wfe-cli-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The instance id `wfe run` printed. */
export function instanceId(stdout: string): string {
  const m = /^instance: (\S+)$/m.exec(stdout);
  if (!m) throw new Error(`no instance id in:\n${stdout}`);
  return m[1]!;
}
