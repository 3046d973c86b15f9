import { isWfeError } from '../domain/errors.js';

/** Exit codes of the `wfe` command. */
export const EXIT = {
  /** The run completed; the file is valid; the chain is intact. */
  ok: 0,
  /** The run failed, was terminated or suspended; the file is invalid; the chain is broken. */
  failed: 1,
  /** Bad input: a missing file, malformed YAML, an unknown workflow, a bad option. */
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

/** Engine errors that mean the input was wrong (the file, the workflow id, the inputs, the database). */
const BAD_INPUT = new Set(['YAML_INVALID', 'UNKNOWN_DEFINITION', 'INVALID_COMMAND', 'UNKNOWN_INSTANCE', 'CORRUPT_STORE', 'SCHEMA_TOO_NEW', 'NOT_SERIALISABLE', 'DEFINITION_INVALID', 'MISSING_DEPENDENCY', 'INVALID_ARGUMENT']);

/** The message and exit code for anything thrown while a command runs. */
export function describeError(error: unknown): { message: string; exitCode: number; stack?: string } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (isWfeError(error)) return { message: error.message, exitCode: BAD_INPUT.has(error.code) ? EXIT.usage : EXIT.failed, ...(BAD_INPUT.has(error.code) ? {} : { stack: error.stack }) };
  const e = error instanceof Error ? error : new Error(String(error));
  return { message: e.message, exitCode: EXIT.failed, ...(e.stack ? { stack: e.stack } : {}) };
}
