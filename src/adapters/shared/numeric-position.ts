import { WfeError } from '../../domain/errors.js';
import { positionOf, type LogPosition } from '../../log/position.js';

/**
 * The number behind a position of a numeric log (SQLite rowid, PostgreSQL identity), as a decimal
 * string for a bigint parameter; '0' for the start of the log. Throws `INVALID_COMMAND` for a
 * position this kind of log never makes (a paired one, or text that is not a position).
 */
export function positionParam(after: LogPosition | undefined): string {
  if (after === undefined) return '0';
  if (typeof after !== 'string' || !/^\d{20}$/.test(after)) {
    throw new WfeError('INVALID_COMMAND', `${JSON.stringify(after)} is not a position of this log (expected 20 decimal digits)`, { position: after });
  }
  return BigInt(after).toString();
}

/** A numeric column value (number, bigint or the string `pg` returns for bigint) as a LogPosition. */
export function numericPosition(v: number | bigint | string): LogPosition {
  return positionOf(typeof v === 'string' ? BigInt(v) : v);
}
