import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WfeError } from '../domain/errors.js';

const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';

/** Where the `deno` npm package (and its per-platform packages) keep the binary. */
function candidates(resolvePackage: (spec: string) => string): string[] {
  const found: string[] = [];
  const platformPackages = [
    `@deno/${process.platform}-${process.arch}-glibc`,
    `@deno/${process.platform}-${process.arch}`,
    `@deno/${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`,
  ];
  for (const pkg of ['deno', ...platformPackages]) {
    try {
      found.push(join(dirname(resolvePackage(`${pkg}/package.json`)), exe));
    } catch {
      // Not installed.
    }
  }
  return found;
}

let cached: string | undefined;

/**
 * The path of the Deno binary shipped by the optional `deno` npm package; `WFE_DENO_BIN` overrides
 * it. Throws `WfeError('MISSING_DEPENDENCY')` naming the package when it is not installed.
 */
export function resolveDenoBinary(options: { resolvePackage?: (spec: string) => string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = options.env ?? process.env;
  const override = env.WFE_DENO_BIN;
  if (override) {
    if (existsSync(override)) return override;
    throw new WfeError('MISSING_DEPENDENCY', `WFE_DENO_BIN points to ${override}, which does not exist`, { package: 'deno' });
  }
  const usesDefault = options.resolvePackage === undefined;
  if (usesDefault && cached) return cached;
  const resolvePackage = options.resolvePackage ?? createRequire(import.meta.url).resolve;
  const binary = candidates(resolvePackage).find((p) => existsSync(p));
  if (!binary) {
    throw new WfeError(
      'MISSING_DEPENDENCY',
      "deno steps need the Deno binary from the optional npm package 'deno': run `npm install deno` (or set WFE_DENO_BIN)",
      { package: 'deno' },
    );
  }
  if (usesDefault) cached = binary;
  return binary;
}
