import type { LeaseWrite } from '../../ports/inline-writes.js';
import type { Lease, LockProvider } from '../../ports/lock.js';
import type { SqliteStore } from './open-sqlite-database.js';

// One statement: take the key when free or expired, bumping its fencing token; no row back = held.
const ACQUIRE = `
  INSERT INTO locks (key, owner, token, expires_at) VALUES (@key, @owner, 1, @expires)
  ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, token = token + 1, expires_at = excluded.expires_at
  WHERE owner IS NULL OR expires_at <= @now
  RETURNING token`;
const RENEW = 'UPDATE locks SET expires_at = @expires WHERE key = @key AND owner = @owner AND token = @token AND expires_at > @now';
// The row stays, so the key's next token is still greater than every one issued before.
const RELEASE = 'UPDATE locks SET owner = NULL, expires_at = 0 WHERE key = @key AND owner = @owner AND token = @token';

/** Apply a lease change that rides with an append, inside the append's transaction: the lease taken, if it was free. */
export function writeLeaseRow(store: SqliteStore, w: LeaseWrite): Lease | undefined {
  if (w.op === 'release') {
    store.statement(RELEASE).run({ key: w.key, owner: w.owner, token: w.token });
    return undefined;
  }
  const row = store.statement(ACQUIRE).get({ key: w.key, owner: w.owner, now: w.now, expires: w.expiresAt }) as { token: number } | undefined;
  return row ? { key: w.key, owner: w.owner, token: row.token, expiresAt: w.expiresAt } : undefined;
}

/** Leases on SQLite, shared by every process using the file; tokens count acquisitions per key. */
export function createSqliteLockProvider(store: SqliteStore, clock: () => number, onClose?: () => void): LockProvider {
  let closed = false;
  return {
    async acquire(key, owner, ttlMs) {
      return store.guard(`acquiring lock "${key}"`, () => {
        const now = clock();
        const expiresAt = now + ttlMs;
        const row = store.statement(ACQUIRE).get({ key, owner, now, expires: expiresAt }) as { token: number } | undefined;
        return row ? { key, owner, token: row.token, expiresAt } : undefined;
      });
    },
    async renew(lease, ttlMs) {
      return store.guard(`renewing lock "${lease.key}"`, () => {
        const now = clock();
        const params = { key: lease.key, owner: lease.owner, token: lease.token, now, expires: now + ttlMs };
        return store.statement(RENEW).run(params).changes === 1;
      });
    },
    async release(lease) {
      store.guard(`releasing lock "${lease.key}"`, () => store.statement(RELEASE).run({ key: lease.key, owner: lease.owner, token: lease.token }));
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose?.();
    },
  };
}
