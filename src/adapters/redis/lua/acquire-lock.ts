/**
 * KEYS[1] lock hash; ARGV owner, now, expiresAt. Grants the key when nobody holds it at `now`
 * (a holder is refused too), bumping the token that never goes back (kept after release).
 * Returns the new token, or nil.
 */
export const acquireLockLua = `
local cur = redis.call('HMGET', KEYS[1], 'owner', 'exp')
if cur[1] and cur[1] ~= '' and tonumber(cur[2]) > tonumber(ARGV[2]) then return false end
local token = redis.call('HINCRBY', KEYS[1], 'token', 1)
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'exp', ARGV[3])
return token
`;
