-- ARGV: id. Removes one job from whatever state holds it, with its data. Returns 1 if it existed.
local id = ARGV[1]
local envelope = redis.call('HGET', JOBS, id)
if not envelope then
  return 0
end
redis.call('LREM', WAITING, 0, id)
redis.call('ZREM', DELAYED, id)
redis.call('ZREM', RESERVED, id)
redis.call('ZREM', FAILED, id)
redis.call('ZREM', TIMEOUT, id)
forget(id, unique_id_of(envelope))
return 1
