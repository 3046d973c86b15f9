import { isWfeError, WfeError } from '../../domain/errors.js';

const CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|PERM|AUTH|PROTOCOL)/;

/** A SQLite failure as a `WfeError`: `CORRUPT_STORE` for a damaged file, `STORE_UNAVAILABLE` when it cannot be used now. */
export function toStoreError(e: unknown, path: string, doing: string): unknown {
  if (isWfeError(e)) return e;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : '';
  const said = e instanceof Error ? e.message : String(e);
  if (CORRUPT.test(code)) {
    return new WfeError('CORRUPT_STORE', `${path} is not a usable wfe database (${doing}): SQLite said "${said}" (${code}). The file was left as it is.`, {
      path,
      sqliteCode: code,
    }, { cause: e });
  }
  if (UNAVAILABLE.test(code) || (e instanceof TypeError && /database connection is not open/.test(said))) {
    return new WfeError('STORE_UNAVAILABLE', `${path} is unavailable (${doing}): ${said}${code ? ` (${code})` : ''}`, { path, sqliteCode: code }, { cause: e });
  }
  return e;
}
