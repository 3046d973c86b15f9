#!/usr/bin/env node
/**
 * The `wfe` command: `wfe run FILE`, `wfe validate FILE`, `wfe history ID`, `wfe publish NAME KEY`, `wfe verify ID`.
 * Exit codes: 0 ok, 1 a problem found (the run failed, the file is invalid, the database file is
 * damaged, the chain is broken), 2 could not run or check (bad input, a database that cannot be opened),
 * 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describeError, EXIT } from './cli-error.js';
import { buildProgram } from './program.js';

function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // Try the next location (source tree or dist/).
    }
  }
  return '0.0.0';
}

// Output piped into a program that stops reading (`wfe history ID | head`) ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** Runs the command line and resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  let exitCode: number = EXIT.ok;
  let interrupts = 0;
  const forceQuit: (() => void)[] = [];
  const interrupted = new Promise<void>((resolve) => {
    process.on('SIGINT', () => {
      if (++interrupts > 1) {
        for (const hook of forceQuit) hook();
        process.exit(EXIT.interrupted);
      }
      process.stderr.write('\nwfe: stopping (Ctrl-C again to quit at once)\n');
      resolve();
    });
  });
  const program = buildProgram({ stdout: process.stdout, stderr: process.stderr, interrupted, atForceQuit: (hook) => forceQuit.push(hook), exit: (code) => (exitCode = code) }, packageVersion());
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { message, exitCode: code, stack } = describeError(error);
    process.stderr.write(`wfe: ${message}\n`);
    if (stack && process.env.WFE_DEBUG) process.stderr.write(`${stack}\n`);
    return code;
  }
  return exitCode;
}

const code = await main();
process.exitCode = code;
// Anything still holding the event loop (a step's stray child process) does not keep the command alive.
setTimeout(() => process.exit(code), 2000).unref();
