/** Extend the lease ($1 key, $2 owner, $3 token) to $5 if it is still held at $4. */
export const renewLeaseSql = (s: string): string => `
UPDATE ${s}.leases SET expires_at = $5
WHERE key = $1 AND owner = $2 AND token = $3 AND expires_at > $4
RETURNING expires_at`;
