/**
 * A place in the whole log, opaque to everything but the log that made it. Positions of one log
 * compare as strings in log order (`comparePositions`), so a checkpoint can be stored as text and a
 * log without numeric positions (EventStoreDB's commit/prepare pair) fits the same port.
 */
export type LogPosition = string & { readonly __brand: 'LogPosition' };

const DIGITS = 20; // 2^64 has 20 decimal digits

/** A numeric position (SQLite rowid, PostgreSQL bigint identity) as a LogPosition: zero-padded decimal. */
export function positionOf(n: number | bigint): LogPosition {
  const s = typeof n === 'bigint' ? n.toString() : Number.isSafeInteger(n) && n >= 0 ? String(n) : '';
  if (!s || s.startsWith('-')) throw new RangeError(`a log position must be a non-negative integer, not ${String(n)}`);
  return s.padStart(DIGITS, '0') as LogPosition;
}

/** Two numbers (e.g. commit and prepare positions) as one comparable LogPosition. */
export function positionOfPair(a: bigint, b: bigint): LogPosition {
  return `${positionOf(a)}:${positionOf(b)}` as LogPosition;
}

/** The two numbers behind a position made by `positionOfPair`. */
export function positionPair(p: LogPosition): [bigint, bigint] {
  const m = /^(\d{20}):(\d{20})$/.exec(p);
  if (!m) throw new RangeError(`not a paired log position: ${JSON.stringify(p)}`);
  return [BigInt(m[1]!), BigInt(m[2]!)];
}

/** Negative when `a` comes first in the log, 0 when equal; `undefined` (the start of the log) comes before everything. */
export function comparePositions(a: LogPosition | undefined, b: LogPosition | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parse text read back from a checkpoint or a URL; throws a RangeError naming the bad text. */
export function parsePosition(text: string): LogPosition {
  if (/^\d{20}(:\d{20})?$/.test(text)) return text as LogPosition;
  throw new RangeError(`not a log position: ${JSON.stringify(text)}`);
}
