// The hash of the page's sources, written beside the build: a stale committed build is found without rebuilding.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 over every file under `dir` (sorted relative paths and contents; line endings normalised). */
export function sourcesHash(dir: string): string {
  const files = (d: string, prefix = ''): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort();
  const h = createHash('sha256');
  for (const f of files(dir)) h.update(`${f}\0${readFileSync(join(dir, f), 'utf8').replace(/\r\n/g, '\n')}\0`);
  return h.digest('hex');
}
