-- The shop's gate, run as the guard of the order's push (PushGuard): one unit per user, never below zero.
-- KEYS[1] units left, KEYS[2] buyers (set), KEYS[3] attempts; ARGV[1] the user, ARGV[2] the sale's units
-- (the first attempt opens the sale).
redis.call('INCR', KEYS[3])
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return false, 'already_bought'
end
local left = redis.call('GET', KEYS[1])
if not left then
  left = ARGV[2]
  redis.call('SET', KEYS[1], left)
end
if tonumber(left) <= 0 then
  return false, 'sold_out'
end
redis.call('SADD', KEYS[2], ARGV[1])
return true, redis.call('DECR', KEYS[1])
