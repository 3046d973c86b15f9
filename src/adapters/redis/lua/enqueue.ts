/**
 * KEYS due zset, claimed zset, pending hash; ARGV id, dueAt pairs. One entry per instance, the
 * earliest due time winning; for a claimed instance the time waits in `pending` until release.
 */
export const enqueueLua = `
for i = 1, #ARGV, 2 do
  local id, d = ARGV[i], tonumber(ARGV[i + 1])
  if redis.call('ZSCORE', KEYS[2], id) then
    local p = redis.call('HGET', KEYS[3], id)
    if not p or d < tonumber(p) then redis.call('HSET', KEYS[3], id, ARGV[i + 1]) end
  else
    local cur = redis.call('ZSCORE', KEYS[1], id)
    if not cur or d < tonumber(cur) then redis.call('ZADD', KEYS[1], ARGV[i + 1], id) end
  end
end
return 0
`;
