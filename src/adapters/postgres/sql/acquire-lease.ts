/**
 * Acquire key $1 for owner $2 until $4 when nobody holds it at $3 (a holder is refused too: no
 * re-entry). The token goes up by one with every acquisition; the row outlives a release so the
 * token never goes back.
 */
export const acquireLeaseSql = (s: string): string => `
INSERT INTO ${s}.leases AS l (key, owner, token, expires_at) VALUES ($1, $2, 1, $4)
ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
WHERE l.owner IS NULL OR l.expires_at <= $3
RETURNING token, expires_at`;
