/** KEYS[1] lock hash; ARGV owner, token. Frees the key if that lease is still the current one; the token stays. */
export const releaseLockLua = `
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token')
if cur[1] == ARGV[1] and cur[2] == ARGV[2] then
  redis.call('HSET', KEYS[1], 'owner', '', 'exp', '0')
  return 1
end
return 0
`;
