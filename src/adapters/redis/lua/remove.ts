/** KEYS due zset, claimed zset, owner, claim-due and pending hashes; ARGV instance ids. Purges their entries, claimed or not. */
export const removeLua = `
for _, id in ipairs(ARGV) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
end
return 0
`;
