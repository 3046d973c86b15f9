import { WfeError } from '../../domain/errors.js';

/** Quotes a string as an SQL literal (the driver's `escapeLiteral`). */
export type Quote = (value: string) => string;

/**
 * `ARRAY[...]::type[]` of quoted strings, for statements sent in one round trip with others
 * (the simple protocol takes no parameters). Never used with an empty list.
 */
export function textArray(quote: Quote, values: readonly string[], type: 'text' | 'json'): string {
  return `ARRAY[${values.map(quote).join(',')}]::${type}[]`;
}

/** `ARRAY[...]::type[]` of integers, each checked to be one (they are written into the SQL). */
export function intArray(values: readonly number[], type: 'int' | 'bigint'): string {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new WfeError('INVALID_COMMAND', `expected an integer, got ${v}`, { value: v });
  }
  return `ARRAY[${values.join(',')}]::${type}[]`;
}

/** `ARRAY[...]::type[]` of quoted strings or NULLs. Never used with an empty list. */
export function nullableTextArray(quote: Quote, values: readonly (string | null)[], type: 'text' | 'json' | 'jsonb'): string {
  return `ARRAY[${values.map((v) => (v === null ? 'NULL' : quote(v))).join(',')}]::${type}[]`;
}

/** `ARRAY[...]::type[]` of integers or NULLs, each checked to be one. */
export function nullableIntArray(values: readonly (number | null)[], type: 'int' | 'bigint'): string {
  for (const v of values) {
    if (v !== null && !Number.isSafeInteger(v)) throw new WfeError('INVALID_COMMAND', `expected an integer, got ${v}`, { value: v });
  }
  return `ARRAY[${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}]::${type}[]`;
}

/** One integer written into SQL, checked to be one. */
export function intLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new WfeError('INVALID_COMMAND', `expected an integer, got ${value}`, { value });
  return String(value);
}
