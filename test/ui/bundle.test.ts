// The committed build of the page (src/ui/assets, served by `wfe ui` with no build step) is the build of
// the current sources: a change to src/ui/web without `npm run build:ui` fails here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const committed = join(root, 'src', 'ui', 'assets');

const files = (dir: string, prefix = ''): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort();

describe('the built web debugger', () => {
  it('is committed and matches a fresh build of src/ui/web (run npm run build:ui after changing it)', () => {
    const out = mkdtempSync(join(tmpdir(), 'wfe-ui-build-'));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'src/ui/web/vite.config.ts')], {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production', WFE_UI_OUT_DIR: out },
        stdio: 'pipe',
      });
      expect(files(out)).toEqual(files(committed));
      for (const f of files(out)) expect(readFileSync(join(committed, f), 'utf8'), `src/ui/assets/${f} is stale: run npm run build:ui`).toBe(readFileSync(join(out, f), 'utf8'));
      expect(files(committed)).toContain('static/app.js');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
