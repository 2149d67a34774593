-- Returns the envelope of the job at the head of waiting (the one that has waited longest), or false.
local head = redis.call('LINDEX', WAITING, 0)
if not head then
  -- only prioritised jobs wait: the next one to run
  head = redis.call('ZRANGE', PRIORITIZED, 0, 0)[1]
end
if not head then
  -- only grouped jobs wait: the head of the group first in line (the longest waiting of the groups that
  -- have waited longest for their turn)
  local group = redis.call('ZRANGE', GROUPS, 0, 0)[1]
  head = group and redis.call('LINDEX', GROUP_PREFIX .. group, 0)
  if not head then
    return false
  end
end
return redis.call('HGET', JOBS, head)
