-- ARGV: id. Removes one job from whatever state holds it, with its data. Returns 1 if it existed.
-- The sets are tried first (O(log n) each); only a job in none of them is looked for in waiting (or its group's
-- line), the one O(n) step, so deleting a delayed, running or parked job never scans a long waiting list.
-- A grouped job that held a slot of its group (running, or a retry waiting out its delay) gives it back.
local id = ARGV[1]
local envelope = redis.call('HGET', JOBS, id)
if not envelope then
  return 0
end
local _, group = job_meta(envelope)
if redis.call('ZREM', DELAYED, id) == 1 then
  if group and redis.call('HEXISTS', ATTEMPTS, id) == 1 then
    release_group_slot(group)
  end
elseif redis.call('ZREM', RESERVED, id) == 1 then
  -- a job reserved ahead held no slot of the global concurrency: left in AHEAD it would count as one freed
  redis.call('ZREM', AHEAD, id)
  if group then
    release_group_slot(group)
  end
elseif redis.call('ZREM', FAILED, id) == 0 and redis.call('ZREM', TIMEOUT, id) == 0 then
  if group then
    if redis.call('LREM', GROUP_PREFIX .. group, 0, id) > 0 then
      redis.call('HINCRBY', CONTROL, 'group-waiting', -1)
    end
  elseif redis.call('ZREM', PRIORITIZED, id) == 0 then
    redis.call('LREM', WAITING, 0, id)
  end
end
forget(id, unique_id_of(envelope))
return 1
