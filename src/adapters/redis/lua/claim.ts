/**
 * KEYS due zset, claimed zset (score: lease expiry), owner hash, claim-due hash; ARGV owner, now,
 * limit, leaseUntil. Claims up to `limit` entries due at `now`: unclaimed ones and claims whose
 * lease ran out (a crashed host's), earliest due first (ties by id). Returns the ids in that order.
 */
export const claimLua = `
local now, limit = ARGV[2], tonumber(ARGV[3])
local cands = {}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
for i = 1, #due, 2 do cands[#cands + 1] = { due[i], tonumber(due[i + 1]), due[i + 1], false } end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  local d = redis.call('HGET', KEYS[4], id)
  cands[#cands + 1] = { id, tonumber(d) or 0, d or '0', true }
end
table.sort(cands, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local out = {}
for i = 1, math.min(limit, #cands) do
  local c = cands[i]
  if not c[4] then
    redis.call('ZREM', KEYS[1], c[1])
    redis.call('HSET', KEYS[4], c[1], c[3])
  end
  redis.call('ZADD', KEYS[2], ARGV[4], c[1])
  redis.call('HSET', KEYS[3], c[1], ARGV[1])
  out[#out + 1] = c[1]
end
return out
`;
