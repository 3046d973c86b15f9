import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { WfeError } from '../../domain/errors.js';
import { assertSchemaKnown, migrate } from './migrations.js';
import { openBetterSqlite } from './open-better-sqlite.js';
import { toStoreError } from './sqlite-errors.js';

/** How hard SQLite syncs to disk: `full` survives power loss at every commit; `normal` may lose the last commits (never corrupts in WAL mode). */
export type SqliteSynchronous = 'full' | 'normal' | 'off';

export interface OpenSqliteOptions {
  /** The database file, created (with its folder) if missing; `':memory:'` for a private in-memory database. */
  readonly path: string;
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another connection's write to finish. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Run `PRAGMA quick_check` on open (reads the whole file once). Default true. */
  readonly integrityCheck?: boolean;
}

/** An open database shared by the ports of one persistence, with cached statements. */
export interface SqliteStore {
  readonly db: Database.Database;
  /** The file as given, for messages. */
  readonly path: string;
  /** A prepared statement, prepared once per SQL text. */
  statement(sql: string): Database.Statement;
  /** Runs `fn`, turning SQLite failures into `WfeError`s that name the file and what was being done. */
  guard<T>(doing: string, fn: () => T): T;
}

const inMemory = (path: string) => path === ':memory:' || path === '' || path.startsWith('file:');

function quickCheck(db: Database.Database, path: string): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((p) => p !== 'ok');
  if (problems.length > 0) {
    throw new WfeError('CORRUPT_STORE', `${path} is damaged: SQLite's quick_check said "${problems.slice(0, 5).join('; ')}". The file was left as it is.`, {
      path,
      problems,
    });
  }
}

/**
 * Opens (or creates) a wfe SQLite database: checks it is intact and not from a newer wfe before
 * anything is written, then switches to WAL, sets the sync level and busy timeout, and migrates.
 */
export function openSqliteDatabase(options: OpenSqliteOptions): SqliteStore {
  const path = options.path;
  if (!inMemory(path)) mkdirSync(dirname(resolve(path)), { recursive: true });
  let db: Database.Database;
  try {
    db = openBetterSqlite(path, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (e) {
    throw toStoreError(e, path, 'opening');
  }
  try {
    // Reads only until the file is known good and known to this version: a damaged or newer file is never written.
    if (options.integrityCheck ?? true) quickCheck(db, path);
    assertSchemaKnown(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(options.synchronous ?? 'full').toUpperCase()}`);
    migrate(db, path);
  } catch (e) {
    db.close();
    throw toStoreError(e, path, 'opening');
  }
  const statements = new Map<string, Database.Statement>();
  return {
    db,
    path,
    statement(sql) {
      let s = statements.get(sql);
      if (!s) {
        s = db.prepare(sql);
        statements.set(sql, s);
      }
      return s;
    },
    guard(doing, fn) {
      try {
        return fn();
      } catch (e) {
        throw toStoreError(e, path, doing);
      }
    },
  };
}
