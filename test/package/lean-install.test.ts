/**
 * The package's shape for a lean install: drivers are optional peers that only their subpaths load
 * (at first use, so importing a subpath without its driver works and using it is MISSING_DEPENDENCY),
 * and every subpath maps to a source file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
  files: string[];
};
const PEERS = ['pg', 'ioredis', '@opensearch-project/opensearch', '@eventstore/db-client', '@opentelemetry/api', 'deno'];

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/** Packages imported for their values (not `import type`) by a module and the modules it imports that way. */
function valueImports(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
      if (m[1]) continue;
      const spec = (m[2] ?? m[3])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!packages.has(packageOf(spec))) packages.set(packageOf(spec), file);
    }
  };
  visit(entry);
  return packages;
}

const sourceOf = (target: string) => resolve(root, target.replace(/^\.\/dist\//, 'src/').replace(/\.(d\.ts|js)$/, '.ts'));

describe('a lean install', () => {
  it('has the drivers as optional peers (and dev dependencies for the tests), not dependencies', () => {
    for (const peer of PEERS) {
      expect(pkg.dependencies[peer], peer).toBeUndefined();
      expect(pkg.optionalDependencies?.[peer], peer).toBeUndefined();
      expect(pkg.peerDependencies[peer], peer).toBeTypeOf('string');
      expect(pkg.peerDependenciesMeta[peer]?.optional, peer).toBe(true);
      expect(pkg.devDependencies[peer], peer).toBeTypeOf('string');
    }
  });

  it('maps every subpath to a source file, the YAML loader included', () => {
    for (const [path, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(target.types.replace(/\.d\.ts$/, ''), path).toBe(target.default.replace(/\.js$/, ''));
      expect(existsSync(sourceOf(target.default)), `${path} -> ${target.default}`).toBe(true);
    }
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['./yaml', './opensearch', './eventstoredb', './otel', './postgres', './redis', './sqlite']));
  });

  it('imports no driver at module load: every entry point value-imports only dependencies and Node built-ins', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    // The conformance suites are for adapter authors' tests, which have vitest.
    allowed.add('vitest');
    for (const [path, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const reached = valueImports(sourceOf(target.default));
      const outside = [...reached].filter(([p]) => !allowed.has(p)).map(([p, file]) => `${p} (imported by ${file.slice(root.length + 1)})`);
      expect(outside, path).toEqual([]);
    }
  });

  it('ships no source maps that point at unshipped sources', () => {
    const build = JSON.parse(readFileSync(resolve(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { sourceMap?: boolean; declarationMap?: boolean } };
    expect(build.compilerOptions.sourceMap).toBe(false);
    expect(build.compilerOptions.declarationMap ?? false).toBe(false);
    expect(pkg.files).not.toContain('src');
  });

  it('declares the wfe/postgres types without the pg driver types (users need no @types/pg)', () => {
    const typeImports = (file: string): string[] =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!).filter((s) => !s.startsWith('.'));
    for (const file of ['index.ts', 'postgres-persistence-options.ts', 'migrations/index.ts']) {
      expect(typeImports(resolve(root, 'src/adapters/postgres', file)), file).not.toContain('pg');
    }
  });
});
