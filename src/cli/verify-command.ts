import { checkSqliteIntegrity } from '../adapters/sqlite/check-sqlite-integrity.js';
import { verifyChain } from '../adapters/shared/hash-chain.js';
import { EXIT } from './cli-error.js';
import { assertExistingDb, childInstances, DEFAULT_DB, isPostgresUrl, openExistingStore, readInstance } from './open-store.js';
import type { TextOut } from './progress/views.js';

/** Options of `wfe verify`. */
export interface VerifyOptions {
  readonly db?: string;
  /** Also verify the child workflows the instance started. */
  readonly children?: boolean;
}

/**
 * `wfe verify ID`: checks the database file page by page (`PRAGMA integrity_check`), then the
 * instance's hash chain (versions 1..n without gaps, each hash chained to the previous one).
 * Returns 0 when both are intact, 1 when the file is damaged or an event was edited, removed or
 * reordered; throws (exit 2) when it cannot check.
 */
export async function verifyCommand(instanceId: string, options: VerifyOptions, out: TextOut): Promise<number> {
  const db = options.db ?? DEFAULT_DB;
  if (!isPostgresUrl(db)) {
    assertExistingDb(db);
    const integrity = checkSqliteIntegrity(db);
    if (!integrity.ok) {
      out.write(`damaged: ${db}: SQLite's integrity check found ${integrity.problems.length === 1 ? 'a problem' : `${integrity.problems.length} problems`}:\n${integrity.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return EXIT.failed;
    }
    out.write(`ok: ${db}: file intact (SQLite integrity check)\n`);
  }
  const store = await openExistingStore(db);
  let code: number = EXIT.ok;
  try {
    const queue = [instanceId];
    while (queue.length) {
      const id = queue.shift()!;
      const events = await readInstance(store, id, db);
      const problem = verifyChain(events);
      if (problem) {
        out.write(`broken: ${id} at version ${problem.version}: ${problem.problem}\n`);
        code = EXIT.failed;
      } else {
        out.write(`ok: ${id}: ${events.length} events, hash chain intact (head ${events[events.length - 1]!.hash.slice(0, 16)}…)\n`);
      }
      if (options.children) queue.push(...childInstances(events));
    }
    return code;
  } finally {
    await store.close();
  }
}
