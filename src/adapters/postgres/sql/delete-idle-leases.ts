/** Purge: forget the leases of keys $1 (text[]) that nobody holds at time $2. */
export const deleteIdleLeasesSql = (s: string): string => `
DELETE FROM ${s}.leases WHERE key = ANY($1::text[]) AND (owner IS NULL OR expires_at <= $2)`;
