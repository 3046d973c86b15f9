import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every package a module imports, following its relative imports (type-only imports included). */
function packagesReachedFrom(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!packages.has(spec)) packages.set(spec, file);
    }
  };
  visit(entry);
  return packages;
}

describe('wfe/testing entry points', () => {
  it('wfe/testing does not need vitest (the conformance suites are a separate subpath)', () => {
    const reached = packagesReachedFrom(resolve(here, 'index.ts'));
    expect(reached.has('vitest')).toBe(false);
    expect([...reached.keys()].some((p) => p.includes('conformance'))).toBe(false);
  });

  it('wfe/testing/conformance is exported by the package and does use vitest', () => {
    const pkg = JSON.parse(readFileSync(resolve(here, '../../package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
    expect(pkg.exports['./testing/conformance']?.default).toBe('./dist/testing/conformance/index.js');
    expect(packagesReachedFrom(resolve(here, 'conformance/index.ts')).has('vitest')).toBe(true);
  });
});
