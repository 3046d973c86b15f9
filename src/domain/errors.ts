/**
 * Broken invariants and bad input throw a `WfeError` with a stable string `code`.
 * Test with `isWfeError(e, code)`: `instanceof` breaks across realms and duplicate installs.
 */
export type WfeErrorCode =
  | 'DEFINITION_INVALID'
  | 'DUPLICATE_DEFINITION'
  | 'UNKNOWN_DEFINITION'
  | 'UNKNOWN_STEP'
  | 'UNKNOWN_FUNCTION'
  | 'UNKNOWN_INSTANCE'
  | 'NOT_SERIALISABLE'
  | 'CONCURRENCY_CONFLICT'
  | 'INVALID_COMMAND'
  /** A public call got a bad argument; `details.argument` names it. */
  | 'INVALID_ARGUMENT'
  | 'INVALID_STATE'
  | 'CORRUPT_LOG'
  | 'CORRUPT_STORE'
  | 'STORE_UNAVAILABLE'
  | 'SCHEMA_TOO_NEW'
  | 'LOCK_LOST'
  | 'HOST_STOPPED'
  | 'TIMEOUT'
  | 'YAML_INVALID'
  | 'EXECUTOR_FAILED'
  | 'MISSING_DEPENDENCY'
  | 'INVALID_QUERY'
  | 'DEFINITION_CONFLICT'
  | 'PROJECTION_FAILED';

const BRAND = Symbol.for('wfe.error');

export class WfeError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly code: WfeErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WfeError';
  }
}

export function isWfeError(e: unknown, code?: WfeErrorCode): e is WfeError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (e as WfeError).code === code)
  );
}

/** A step failure as recorded in the log: serialisable, whatever was thrown. */
export interface StepFailure {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  /** Extra JSON detail (e.g. a shell step's stdout/stderr tails). */
  readonly details?: { readonly [key: string]: unknown };
}

/** Normalise anything a step threw into a `StepFailure`, once. */
export function toStepFailure(thrown: unknown): StepFailure {
  if (thrown instanceof Error) {
    const extra = thrown as Error & { details?: unknown; code?: unknown };
    const details = extra.details;
    return {
      type: typeof extra.code === 'string' && extra.code ? extra.code : thrown.name || 'Error',
      message: thrown.message,
      ...(thrown.stack ? { stack: thrown.stack } : {}),
      ...(details && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}),
    };
  }
  if (typeof thrown === 'string') return { type: 'Error', message: thrown };
  let message: string;
  try {
    message = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    message = String(thrown);
  }
  return { type: typeof thrown, message };
}
