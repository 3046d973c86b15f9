/**
 * The current lease of each key in $1 (text[]), share-locked until the append commits so that no
 * new owner can take the lease between the fence check and the commit.
 */
export const readFencesSql = (s: string): string => `
SELECT key, owner, token FROM ${s}.leases WHERE key = ANY($1::text[]) ORDER BY key FOR SHARE`;
