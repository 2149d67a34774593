-- The flash sale's gate (seed 004). Redis runs a script as one step, so no other request can slip in
-- between the checks and the decrement: the stock can never go below zero and a user can never buy twice,
-- however many application instances call it at once.
--
-- KEYS[1]  seckill:{item}:stock        string: units left
-- KEYS[2]  seckill:{item}:buyers       set: users who bought one
-- KEYS[3]  seckill:{item}:rate:<user>  string: this user's attempts in the current window
-- ARGV[1]  the user's id
-- ARGV[2]  most attempts per user and window
-- ARGV[3]  the window, in milliseconds
--
-- Returns {outcome, number}:
--   {'reserved', units left}         one unit is now the user's; the caller pushes the order job
--   {'rate_limited', ms to wait}     too many attempts in this window
--   {'already_bought', units left}   the user holds a unit already
--   {'sold_out', 0}
--   {'not_on_sale', 0}               the item has no stock key

local stock = redis.call('GET', KEYS[1])
if not stock then
  return {'not_on_sale', 0}
end
stock = tonumber(stock)

-- 1. Rate limit: a fixed window per user (the seed limits per IP as well, which belongs in the gateway).
local attempts = redis.call('INCR', KEYS[3])
if attempts == 1 then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
if attempts > tonumber(ARGV[2]) then
  return {'rate_limited', redis.call('PTTL', KEYS[3])}
end

-- 2. One purchase per user (the seed's SETNX, as a set per item).
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return {'already_bought', stock}
end

-- 3. The stock, decremented only while some is left.
if stock <= 0 then
  return {'sold_out', 0}
end
redis.call('SADD', KEYS[2], ARGV[1])
return {'reserved', redis.call('DECR', KEYS[1])}
