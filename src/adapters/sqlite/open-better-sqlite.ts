import type Database from 'better-sqlite3';
import { missingDependency, requirePeer } from '../shared/require-peer.js';

const FEATURE = 'The SQLite store (wfe/sqlite, the default store)';

/** True when better-sqlite3 is installed but its native module is missing or built for another Node. */
export function isNativeModuleError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const message = typeof err?.message === 'string' ? err.message : '';
  return err?.code === 'ERR_DLOPEN_FAILED' || /bindings file|better_sqlite3\.node|\.node'|NODE_MODULE_VERSION|invalid ELF header/.test(message);
}

/**
 * `new Database(path, options)` of better-sqlite3, loaded on first use. Throws
 * `WfeError('MISSING_DEPENDENCY')` when the package is not installed, or when its native module is
 * not built (pnpm without approved builds, `--ignore-scripts`, another Node version), saying how
 * to fix it; SQLite's own errors (a bad file...) are thrown as they are.
 */
export function openBetterSqlite(path: string, options: Database.Options = {}): Database.Database {
  const BetterSqlite = requirePeer<typeof Database>('better-sqlite3', FEATURE);
  try {
    return new BetterSqlite(path, options);
  } catch (e) {
    if (!isNativeModuleError(e)) throw e;
    const reason = (e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)).replace(/[.\s]*Tried:$/, '');
    throw missingDependency(
      'better-sqlite3',
      FEATURE,
      e,
      `whose native module could not be loaded (${reason}): build it with \`npm rebuild better-sqlite3\` (pnpm: allow its build with \`pnpm approve-builds\`, then \`pnpm rebuild better-sqlite3\`)`,
    );
  }
}
