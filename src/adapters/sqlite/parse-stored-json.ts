import { WfeError } from '../../domain/errors.js';

/** JSON read back from a table; `CORRUPT_STORE` naming the file and the row when it does not parse. */
export function parseStoredJson<T>(text: string, path: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new WfeError('CORRUPT_STORE', `${path}: ${where} is not JSON (${(e as Error).message})`, { path, where }, { cause: e });
  }
}
