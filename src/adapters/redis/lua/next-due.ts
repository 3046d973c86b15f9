/**
 * KEYS due zset, claimed zset. The earliest due time of an unclaimed entry or lease expiry of a
 * claimed one (when it can come back), as a string; nil when the queue is empty.
 */
export const nextDueLua = `
local a = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local b = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local best = nil
if a[2] then best = a[2] end
if b[2] and (best == nil or tonumber(b[2]) < tonumber(best)) then best = b[2] end
if best == nil then return false end
return best
`;
