import { expect, it } from 'vitest';
import { isWfeError } from '../../domain/errors.js';
import { describeWith } from '../../../test/setup/integration.js';
import { createPostgresPersistence } from './index.js';

const failure = (connectionString: string) =>
  createPostgresPersistence({ connectionString, poolConfig: { connectionTimeoutMillis: 5000 } }).then(
    () => {
      throw new Error('connected?');
    },
    (e: unknown) => e as Error,
  );

describeWith('postgres', 'PostgreSQL connection errors', (adminUrl) => {
  const url = new URL(adminUrl);

  it('a wrong password is STORE_UNAVAILABLE naming user, host and database, never the password', async () => {
    const bad = new URL(url);
    bad.password = 'not-the-Secret-42';
    const e = await failure(bad.toString());
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toContain(`${url.username}@127.0.0.1:${url.port}/postgres`);
    expect(e.message).toMatch(/password authentication failed/);
    expect(e.message).not.toContain('not-the-Secret-42');
    expect(JSON.stringify((e as { details?: unknown }).details)).not.toContain('not-the-Secret-42');
  });

  it('a port nobody listens on is STORE_UNAVAILABLE', async () => {
    const bad = new URL(url);
    bad.port = '1';
    const e = await failure(bad.toString());
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toContain('127.0.0.1:1/');
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.message).not.toContain(url.password);
  });

  it('a database that does not exist is STORE_UNAVAILABLE', async () => {
    const bad = new URL(url);
    bad.pathname = '/no_such_database';
    const e = await failure(bad.toString());
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toMatch(/no_such_database/);
    expect(e.message).not.toContain(url.password);
  });

  it('key=value connection strings are described without their password', async () => {
    const e = await failure(`host=127.0.0.1 port=${url.port} user=${url.username} password=wrong-pass-77 dbname=postgres`);
    expect(isWfeError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(e.message).toContain(`${url.username}@127.0.0.1:${url.port}/postgres`);
    expect(e.message).not.toContain('wrong-pass-77');
  });
});
