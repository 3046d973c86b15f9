/**
 * KEYS due zset, claimed zset, owner hash, claim-due hash, pending hash; ARGV owner, then id,
 * nextDueAt ('' for none) pairs. Ends each claim the owner still holds: the entry goes, or stays
 * due at the earlier of nextDueAt and an enqueue that arrived during the claim. Others are ignored.
 */
export const releaseLua = `
for i = 2, #ARGV, 2 do
  local id, nx = ARGV[i], ARGV[i + 1]
  if redis.call('HGET', KEYS[3], id) == ARGV[1] then
    redis.call('ZREM', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
    local p = redis.call('HGET', KEYS[5], id)
    redis.call('HDEL', KEYS[5], id)
    local d = nil
    if nx ~= '' then d = nx end
    if p and (d == nil or tonumber(p) < tonumber(d)) then d = p end
    if d then redis.call('ZADD', KEYS[1], d, id) end
  end
end
return 0
`;
