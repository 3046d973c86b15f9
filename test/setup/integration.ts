/**
 * Helpers for `*.int.test.ts` files: the servers started by the global setup, a fresh database per
 * file, and the rule that a missing server is a visible skip locally and a failure on CI.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, inject, it } from 'vitest';

/** Which server a suite needs. */
export type ServerKind = 'postgres' | 'redis';

function server(kind: ServerKind): { url: string; missing: string } {
  return kind === 'postgres'
    ? { url: inject('wfePostgresUrl'), missing: inject('wfePostgresMissing') }
    : { url: inject('wfeRedisUrl'), missing: inject('wfeRedisMissing') };
}

/**
 * `describe(name, body)` when the server runs, with its URL. Without it: a skipped suite whose name
 * says why (a warning is printed too), or, when `CI=true`, a failing test.
 */
export function describeWith(kind: ServerKind, name: string, body: (url: string) => void): void {
  const { url, missing } = server(kind);
  if (url) {
    describe(name, () => body(url));
    return;
  }
  const reason = missing || `${kind} was not started by test/setup/global-setup.ts`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${kind}`, () => {
        throw new Error(`${kind} is required on CI: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[wfe] skipping "${name}": ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, () => {
    it('needs a server', () => {});
  });
}

/** A short random suffix for database, schema and key-prefix names. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Create a database for this test file (dropped after it) on the server behind `adminUrl`, and
 * return its URL. Files running in parallel never share tables.
 */
export async function createTestDatabase(adminUrl: string, label: string): Promise<string> {
  const name = `wfe_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${uniqueSuffix()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  afterAll(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Delete every Redis key under `prefix` (each test uses its own prefix on the shared server). */
export async function dropRedisPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * `describe(name, body)` with the URL in `process.env[variable]` (servers this machine cannot run,
 * such as OpenSearch and EventStoreDB: start them with `docker compose up -d`); without it, a
 * visibly skipped suite whose name says which variable to set (on CI too: no CI job runs them).
 */
export function describeWithUrl(variable: string, name: string, body: (url: string) => void): void {
  const url = process.env[variable];
  if (url) {
    describe(name, () => body(url));
    return;
  }
  const reason = `${variable} is not set (docker compose up -d, then ${variable}=... npm test)`;
  console.warn(`[wfe] skipping "${name}": ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, () => {
    it('needs a server', () => {});
  });
}
