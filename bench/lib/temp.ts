/** Temporary folders that are removed when the process exits, however it exits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

/** A new empty folder under the system's temporary folder (a disk, not tmpfs, on the build machines). */
export function tempDir(label: string): string {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAll);
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        removeAll();
        process.exit(130);
      });
    }
  }
  const d = mkdtempSync(join(tmpdir(), `wfe-bench-${label}-`));
  dirs.add(d);
  return d;
}

export function removeTempDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
  dirs.delete(d);
}
