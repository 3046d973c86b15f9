/** KEYS[1] lock hash; ARGV owner, token, now, expiresAt. Extends the lease if it is still held at `now`: 1, else 0. */
export const renewLockLua = `
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token', 'exp')
if cur[1] == ARGV[1] and cur[2] == ARGV[2] and tonumber(cur[3]) > tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'exp', ARGV[4])
  return 1
end
return 0
`;
