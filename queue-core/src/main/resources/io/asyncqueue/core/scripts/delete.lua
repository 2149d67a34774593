-- ARGV: id. Removes one job from whatever state holds it, with its data. Returns 1 if it existed.
-- The sets are tried first (O(log n) each); only a job in none of them is looked for in waiting, the one
-- O(n) step, so deleting a delayed, running or parked job never scans a long waiting list.
local id = ARGV[1]
local envelope = redis.call('HGET', JOBS, id)
if not envelope then
  return 0
end
if redis.call('ZREM', DELAYED, id) == 0 and redis.call('ZREM', RESERVED, id) == 0
    and redis.call('ZREM', FAILED, id) == 0 and redis.call('ZREM', TIMEOUT, id) == 0
    and redis.call('ZREM', PRIORITIZED, id) == 0 then
  redis.call('LREM', WAITING, 0, id)
end
forget(id, unique_id_of(envelope))
return 1
