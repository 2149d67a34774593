-- Returns the envelope of the job at the head of waiting (the one that has waited longest), or false.
local head = redis.call('LINDEX', WAITING, 0)
if not head then
  return false
end
return redis.call('HGET', JOBS, head)
