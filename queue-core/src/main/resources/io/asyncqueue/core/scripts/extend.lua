-- ARGV: leaseMs, then (id, token) pairs. Renews the leases the caller still owns; returns the ids it lost.
local deadline = now_ms() + tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if owned(id, token) then
    redis.call('ZADD', RESERVED, 'XX', deadline, id)
  else
    lost[#lost + 1] = id
  end
end
return lost
