-- Returns the envelope of the job at the head of waiting (the one that has waited longest), or false.
local head = redis.call('LINDEX', WAITING, 0)
if not head then
  -- only prioritised jobs wait: the next one to run
  head = redis.call('ZRANGE', PRIORITIZED, 0, 0)[1]
  if not head then
    return false
  end
end
return redis.call('HGET', JOBS, head)
