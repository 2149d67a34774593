-- ARGV: leaseMs, then (id, token) pairs. Renews the leases the caller still owns; returns the (id, token)
-- pairs it lost: the token says which of the caller's copies of a job lost it (a job recovered and fetched
-- again can be held twice, once under its old token).
-- The first renewal is a ZREM and a ZADD rather than a ZADD: at maxmemory under noeviction Redis refuses a
-- script whose first write may grow memory, and a full Redis must keep running jobs' leases.
local deadline = now_ms() + tonumber(ARGV[1])
local lost = {}
local written = false
local renewed = {}
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if owned(id, token) then
    renewed[#renewed + 1] = id
    if not written then
      redis.call('ZREM', RESERVED, id)
      redis.call('ZADD', RESERVED, deadline, id)
      written = true
    else
      redis.call('ZADD', RESERVED, 'XX', deadline, id)
    end
  else
    lost[#lost + 1] = id
    lost[#lost + 1] = token
  end
end
if written and redis.call('EXISTS', AHEAD) == 1 then
  -- a job whose lease is renewed is running: if the settle that handed it a slot has not landed (Redis was out of
  -- reach), it counts from here on, so Redis never counts fewer jobs running than run
  call_chunked('ZREM', AHEAD, renewed)
end
return lost
