/**
 * The current lease of each key in `keys` (a `text[]` SQL expression), share-locked until the
 * append commits so that no new owner can take the lease between the fence check and the commit.
 */
export const readFencesSql = (s: string, keys: string): string => `
SELECT key, owner, token FROM ${s}.leases WHERE key = ANY(${keys}) ORDER BY key FOR SHARE`;
