import { createRequire } from 'node:module';
import { WfeError } from '../../domain/errors.js';

const requireHere = createRequire(import.meta.url);

/**
 * The drivers behind wfe's subpaths: optional peer dependencies, installed by the users of the
 * subpath only (`npm install wfe` alone brings none of them).
 */
export type PeerPackage = 'pg' | 'ioredis' | 'better-sqlite3' | '@opensearch-project/opensearch' | '@eventstore/db-client' | '@opentelemetry/api';

/** The command that installs a missing peer. */
export function installCommand(pkg: string): string {
  return `npm install ${pkg}`;
}

function notFound(e: unknown, pkg: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (err?.code !== 'MODULE_NOT_FOUND' && err?.code !== 'ERR_MODULE_NOT_FOUND') return false;
  // Only this package missing, not one of its own dependencies (that is a broken install, reported as is).
  return typeof err.message === 'string' && (err.message.includes(`'${pkg}'`) || err.message.includes(`"${pkg}"`));
}

/**
 * The error for a peer that cannot be used: names the package, what needs it and the install
 * command. `problem` replaces "which is not installed: run `npm install <pkg>`".
 */
export function missingDependency(pkg: string, feature: string, cause?: unknown, problem?: string): WfeError {
  const install = installCommand(pkg);
  return new WfeError(
    'MISSING_DEPENDENCY',
    `${feature} needs the npm package '${pkg}', ${problem ?? `which is not installed: run \`${install}\``}`,
    { package: pkg, install },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Load an optional peer dependency when it is first needed (never at import time, so importing a
 * subpath works without it and only using it fails). Throws `WfeError('MISSING_DEPENDENCY')`
 * naming the package and `npm install <pkg>` when it is not installed.
 *
 * @param feature what needs it, for the message (`'wfe/postgres'`).
 * @param load how to load it (tests pass a loader that fails); default: `require` from wfe's folder.
 */
export function requirePeer<T>(pkg: PeerPackage, feature: string, load: (id: string) => unknown = requireHere): T {
  try {
    return load(pkg) as T;
  } catch (e) {
    if (notFound(e, pkg)) throw missingDependency(pkg, feature, e);
    throw e;
  }
}
