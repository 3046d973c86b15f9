import { isWfeError } from '../domain/errors.js';

/** Exit codes of the `wfe` command. */
export const EXIT = {
  /** The run completed; the file is valid; the database file and the chain are intact. */
  ok: 0,
  /** A problem found: the run failed, was terminated or suspended; the file is invalid; the database file is damaged; the chain is broken. */
  failed: 1,
  /** Could not run or check: bad input (a missing file, malformed YAML, an unknown workflow, a bad option), a database that cannot be opened, any other error. */
  usage: 2,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

/** An error the command reports as one clear message (no stack trace) with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Engine errors that mean the input was wrong (the file, the workflow id, the inputs, the database): no stack trace. */
const BAD_INPUT = new Set(['YAML_INVALID', 'UNKNOWN_DEFINITION', 'INVALID_COMMAND', 'UNKNOWN_INSTANCE', 'CORRUPT_STORE', 'STORE_UNAVAILABLE', 'SCHEMA_TOO_NEW', 'NOT_SERIALISABLE', 'DEFINITION_INVALID', 'MISSING_DEPENDENCY', 'INVALID_ARGUMENT', 'INVALID_STATE', 'CONCURRENCY_CONFLICT']);

/**
 * The message and exit code for anything thrown while a command runs. A command that found a
 * problem returns 1 itself; whatever is thrown means it could not run or check, so it exits 2
 * (a `CliError` may say otherwise).
 */
export function describeError(error: unknown): { message: string; exitCode: number; stack?: string } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  // A broken log is a problem found, not a failure to check.
  if (isWfeError(error, 'CORRUPT_LOG')) return { message: error.message, exitCode: EXIT.failed };
  if (isWfeError(error)) return { message: error.message, exitCode: EXIT.usage, ...(BAD_INPUT.has(error.code) ? {} : { stack: error.stack }) };
  const e = error instanceof Error ? error : new Error(String(error));
  return { message: e.message, exitCode: EXIT.usage, ...(e.stack ? { stack: e.stack } : {}) };
}
