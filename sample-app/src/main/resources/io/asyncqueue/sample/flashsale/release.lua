-- Gives back a unit that seckill.lua reserved, when its order job could not be pushed.
-- KEYS[1] the stock, KEYS[2] the buyers set (as in seckill.lua); ARGV[1] the user's id.
-- Returns 1 when a unit was given back, 0 when the user held none.
if redis.call('SREM', KEYS[2], ARGV[1]) == 1 then
  redis.call('INCR', KEYS[1])
  return 1
end
return 0
