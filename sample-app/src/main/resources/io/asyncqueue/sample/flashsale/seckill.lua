-- The flash sale's gate (seed 004), run as the guard of the order job's push (PushGuard): Redis runs the
-- gate and the push as one script, so no other request can slip in between the checks and the decrement,
-- and no crash can come between taking a unit and queueing its order. The stock never goes below zero, a
-- user never buys twice, and every unit taken has its order job, however many instances call it at once.
--
-- KEYS are the orders queue's guard keys (SeckillKeys), so this runs in the queue's Redis Cluster slot:
-- KEYS[1]  …:guard:seckill:<item>:stock        string: units left
-- KEYS[2]  …:guard:seckill:<item>:buyers       set: users who bought one, here or through the limit queue
-- KEYS[3]  …:guard:seckill:<item>:rate:<user>  string: this user's attempts in the current window
-- ARGV[1]  the user's id
-- ARGV[2]  most attempts per user and window
-- ARGV[3]  the window, in milliseconds
--
-- Returns true (push the order job) or false (push nothing), then {outcome, number}:
--   true,  {'reserved', units left}         one unit is now the user's, and its order job is queued
--   false, {'rate_limited', ms to wait}     too many attempts in this window
--   false, {'already_bought', units left}   the user holds a unit already
--   false, {'sold_out', 0}
--   false, {'not_on_sale', 0}               the item has no stock key

local stock = redis.call('GET', KEYS[1])
if not stock then
  return false, {'not_on_sale', 0}
end
stock = tonumber(stock)

-- 1. Rate limit: a fixed window per user (the seed limits per IP as well, which belongs in the gateway).
local attempts = redis.call('INCR', KEYS[3])
if attempts == 1 then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
if attempts > tonumber(ARGV[2]) then
  return false, {'rate_limited', redis.call('PTTL', KEYS[3])}
end

-- 2. One purchase per user (the seed's SETNX, as a set per item).
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return false, {'already_bought', stock}
end

-- 3. The stock, decremented only while some is left.
if stock <= 0 then
  return false, {'sold_out', 0}
end
redis.call('SADD', KEYS[2], ARGV[1])
return true, {'reserved', redis.call('DECR', KEYS[1])}
