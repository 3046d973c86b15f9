import { existsSync } from 'node:fs';
import { createSqlitePersistence } from '../adapters/sqlite/index.js';
import { exportRun, importRun } from '../inspect/export-run.js';
import { replayCheck, streamIds } from '../inspect/replay-check.js';
import { EXIT, CliError } from './cli-error.js';
import { readUserFile } from './cli-input.js';
import { DEFAULT_DB, isPostgresUrl, openExistingStore } from './open-store.js';
import { prepareDbPath } from './prepare-db-path.js';
import type { TextOut } from './progress/views.js';
import { trustFrom } from './verify-command.js';
import { json, withInspector, type StoreOptions } from './with-inspector.js';

/** `wfe export ID > run.jsonl`: the instance as JSON lines (header with the stored definition, then every event with envelope, hash and signature). */
export async function exportCommand(idText: string, options: StoreOptions, out: TextOut): Promise<number> {
  return withInspector(options, async (inspector, store) => {
    out.write(await exportRun(store, await inspector.resolveId(idText), Date.now()));
    return EXIT.ok;
  });
}

/** `wfe import run.jsonl [--public-key K]`: verified first (chain, signatures with the key), then stored all at once, or nothing. */
export async function importCommand(file: string, options: StoreOptions & { publicKey?: string }, out: TextOut): Promise<number> {
  const text = readUserFile(file, 'export file');
  const db = options.db ?? DEFAULT_DB;
  // Importing into a new SQLite file creates it.
  const store = isPostgresUrl(db) || existsSync(db) ? await openExistingStore(db) : (prepareDbPath(db), createSqlitePersistence({ path: db }));
  try {
    const r = await importRun(store, text, file, trustFrom(options));
    out.write(options.json ? json(r) : `imported ${r.instanceId}: ${r.events} events, chain verified${options.publicKey ? ', signatures valid' : ''}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `wfe replay-check [--sample N]`: re-fold stored runs with this code; exit 1 listing the instances whose state would differ. */
export async function replayCheckCommand(options: StoreOptions & { sample?: string }, out: TextOut): Promise<number> {
  const sample = options.sample === undefined ? undefined : Number(options.sample);
  if (sample !== undefined && (!Number.isInteger(sample) || sample < 1)) throw new CliError(`--sample ${options.sample}: expected a positive integer`);
  const store = await openExistingStore(options.db ?? DEFAULT_DB);
  try {
    let ids = await streamIds(store);
    if (sample !== undefined && sample < ids.length) {
      // Spread over the log, not only its start.
      const step = ids.length / sample;
      ids = Array.from({ length: sample }, (_, i) => ids[Math.floor(i * step)]!);
    }
    const r = await replayCheck(store, ids);
    if (options.json) out.write(json(r));
    else {
      for (const d of r.differences) out.write(`differs: ${d.instanceId} at version ${d.version}: ${d.reason}\n`);
      out.write(`${r.checked} instances re-folded, ${r.differences.length} would differ\n`);
    }
    return r.differences.length ? EXIT.failed : EXIT.ok;
  } finally {
    await store.close();
  }
}
