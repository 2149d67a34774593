-- ARGV: leaseMs, then (id, token) pairs. Renews the leases the caller still owns; returns the (id, token)
-- pairs it lost: the token says which of the caller's copies of a job lost it (a job recovered and fetched
-- again can be held twice, once under its old token).
local deadline = now_ms() + tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if owned(id, token) then
    redis.call('ZADD', RESERVED, 'XX', deadline, id)
  else
    lost[#lost + 1] = id
    lost[#lost + 1] = token
  end
end
return lost
