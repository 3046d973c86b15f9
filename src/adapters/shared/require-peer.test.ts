import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isWfeError, type WfeError } from '../../domain/errors.js';
import { isNativeModuleError, openBetterSqlite } from '../sqlite/open-better-sqlite.js';
import { requirePeer, type PeerPackage } from './require-peer.js';

// A folder with no node_modules anywhere above it that has these packages: a real "not installed".
const empty = mkdtempSync(join(tmpdir(), 'wfe-no-peers-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));
const requireFromEmpty = createRequire(join(empty, 'index.js'));

function thrown(fn: () => unknown): WfeError {
  try {
    fn();
  } catch (e) {
    return e as WfeError;
  }
  throw new Error('expected a throw');
}

describe('optional peer dependencies', () => {
  const peers: PeerPackage[] = ['pg', 'ioredis', 'better-sqlite3', '@opensearch-project/opensearch', '@eventstore/db-client', '@opentelemetry/api'];

  it.each(peers)('a missing %s is MISSING_DEPENDENCY naming the package, the feature and the install command', (pkg) => {
    const e = thrown(() => requirePeer(pkg, 'wfe/feature', requireFromEmpty));
    expect(isWfeError(e, 'MISSING_DEPENDENCY')).toBe(true);
    expect(e.message).toBe(`wfe/feature needs the npm package '${pkg}', which is not installed: run \`npm install ${pkg}\``);
    expect(e.details).toEqual({ package: pkg, install: `npm install ${pkg}` });
    expect((e.cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
  });

  it('loads an installed peer as require does', () => {
    expect(requirePeer<{ Pool: unknown }>('pg', 'wfe/postgres').Pool).toBeTypeOf('function');
  });

  it('reports a broken install (a dependency of the peer missing) as it is, not as the peer missing', () => {
    const folder = join(empty, 'node_modules', 'pg');
    const r = createRequire(join(empty, 'index.js'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'pg', main: 'index.js' }));
    writeFileSync(join(folder, 'index.js'), "require('pg-protocol-that-is-not-there');");
    const e = thrown(() => requirePeer('pg', 'wfe/postgres', r));
    expect(isWfeError(e)).toBe(false);
    expect(e.message).toContain('pg-protocol-that-is-not-there');
    rmSync(join(empty, 'node_modules'), { recursive: true, force: true });
  });

  it('better-sqlite3 whose native module cannot be loaded is MISSING_DEPENDENCY saying how to rebuild it', () => {
    const e = thrown(() => openBetterSqlite(':memory:', { nativeBinding: join(empty, 'better_sqlite3.node') }));
    expect(isWfeError(e, 'MISSING_DEPENDENCY')).toBe(true);
    expect(e.details).toEqual({ package: 'better-sqlite3', install: 'npm install better-sqlite3' });
    expect(e.message).toContain('npm rebuild better-sqlite3');
    expect(e.message).toContain('pnpm approve-builds');
  });

  it('tells native-module failures from SQLite errors', () => {
    expect(isNativeModuleError(new Error('Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node'))).toBe(true);
    expect(isNativeModuleError(Object.assign(new Error('x'), { code: 'ERR_DLOPEN_FAILED' }))).toBe(true);
    expect(isNativeModuleError(new Error("The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115"))).toBe(true);
    expect(isNativeModuleError(new Error('unable to open database file'))).toBe(false);
    const db = openBetterSqlite(':memory:');
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    db.close();
  });
});
