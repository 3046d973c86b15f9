import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './cli-error.js';

/**
 * Makes sure `--db` can be used before SQLite touches it, failing at once with the path in the
 * message: the folders are created one at a time (Node's recursive `mkdir` loops forever on a
 * path such as `/proc/1/x/wfe.db`, where `mkdir` says ENOENT although the parent exists), and an
 * existing path must be a regular file (SQLite blocks forever opening a FIFO).
 */
export function prepareDbPath(db: string): void {
  if (db === ':memory:' || db === '' || db.startsWith('file:')) return;
  const file = resolve(db);
  const missing: string[] = [];
  let dir = dirname(file);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new CliError(`cannot use --db ${db}: ${dir}: ${(e as Error).message}`);
      missing.unshift(dir);
      const parent = dirname(dir);
      if (parent === dir) throw new CliError(`cannot use --db ${db}: no existing folder above it`);
      dir = parent;
      continue;
    }
    if (!isDir) throw new CliError(`cannot use --db ${db}: ${dir} is not a folder`);
    break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`cannot create the folder ${d} for --db ${db}: ${(e as Error).message}`);
    }
  }
  try {
    const stat = lstatSync(file, { throwIfNoEntry: false }) && statSync(file);
    if (stat && !stat.isFile()) throw new CliError(`cannot use --db ${db}: it is not a regular file (${stat.isDirectory() ? 'a folder' : 'a device, pipe or socket'})`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot use --db ${db}: ${(e as Error).message}`);
  }
}
