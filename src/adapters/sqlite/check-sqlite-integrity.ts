import type Database from 'better-sqlite3';
import { isWfeError, WfeError } from '../../domain/errors.js';
import { openBetterSqlite } from './open-better-sqlite.js';

/** What `PRAGMA integrity_check` found in a database file. */
export interface SqliteIntegrity {
  /** True when SQLite found nothing wrong. */
  readonly ok: boolean;
  /** SQLite's own words for each problem (at most `maxProblems`). */
  readonly problems: readonly string[];
}

/**
 * Checks a SQLite file page by page (`PRAGMA integrity_check`: every b-tree, index and free list;
 * it reads the whole file), read-only: nothing is written, no journal or WAL is created.
 * A damaged file, or one that is not a SQLite database, is a result (`ok: false`); a file that
 * cannot be opened or read throws `WfeError('STORE_UNAVAILABLE')` naming the path.
 */
export function checkSqliteIntegrity(path: string, options: { maxProblems?: number } = {}): SqliteIntegrity {
  let db: Database.Database;
  try {
    db = openBetterSqlite(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    if (isWfeError(e, 'MISSING_DEPENDENCY')) throw e;
    throw new WfeError('STORE_UNAVAILABLE', `cannot open ${path} to check it: ${(e as Error).message}`, { path }, { cause: e });
  }
  try {
    const rows = db.pragma(`integrity_check(${Math.max(1, Math.floor(options.maxProblems ?? 20))})`) as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((p) => p !== 'ok');
    return { ok: problems.length === 0, problems };
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return { ok: false, problems: [`${(e as Error).message} (${code})`] };
    throw new WfeError('STORE_UNAVAILABLE', `cannot check ${path}: ${(e as Error).message}${code ? ` (${code})` : ''}`, { path, sqliteCode: code }, { cause: e });
  } finally {
    db.close();
  }
}
