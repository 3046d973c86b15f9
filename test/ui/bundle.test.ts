// The committed build of the page (src/ui/assets, served by `wfe ui` with no build step) is the build of
// the current sources: a change to src/ui/web without `npm run build:ui` fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcesHash } from '../../src/ui/web/sources-hash.js';

const root = join(import.meta.dirname, '..', '..');
const assets = join(root, 'src', 'ui', 'assets');

describe('the built web debugger', () => {
  it('is committed, built from the current src/ui/web (run npm run build:ui after changing it)', () => {
    const html = readFileSync(join(assets, 'index.html'), 'utf8');
    expect(html).toContain('./static/app.js');
    expect(html).toContain('<!--wfe-config-->');
    expect(readFileSync(join(assets, 'static', 'app.js'), 'utf8').length).toBeGreaterThan(10_000);
    expect(readFileSync(join(assets, 'sources.sha256'), 'utf8').trim(), 'src/ui/assets is stale: run npm run build:ui').toBe(sourcesHash(join(root, 'src', 'ui', 'web')));
  });
});
