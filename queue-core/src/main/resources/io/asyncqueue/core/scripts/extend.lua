-- ARGV: leaseMs, then (id, token) pairs. Renews the leases the caller still owns; returns the (id, token)
-- pairs it lost: the token says which of the caller's copies of a job lost it (a job recovered and fetched
-- again can be held twice, once under its old token).
-- The first renewal is a ZREM and a ZADD rather than a ZADD: at maxmemory under noeviction Redis refuses a
-- script whose first write may grow memory, and a full Redis must keep running jobs' leases.
local deadline = now_ms() + tonumber(ARGV[1])
local lost = {}
local written = false
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if owned(id, token) then
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
return lost
