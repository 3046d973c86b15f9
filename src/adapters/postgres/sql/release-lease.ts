/** Give up the lease ($1 key, $2 owner, $3 token) if it is still that one; the token row stays. */
export const releaseLeaseSql = (s: string): string => `
UPDATE ${s}.leases SET owner = NULL, expires_at = 0 WHERE key = $1 AND owner = $2 AND token = $3`;
