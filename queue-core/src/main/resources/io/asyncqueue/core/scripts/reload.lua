-- ARGV: source ('failed' or 'timeout'), id ('' for the oldest ones), limit.
-- Moves jobs back to waiting with fresh attempts; returns how many moved.
local source = (ARGV[1] == 'timeout') and TIMEOUT or FAILED
local ids
if ARGV[2] ~= '' then
  ids = {}
  if redis.call('ZSCORE', source, ARGV[2]) then ids[1] = ARGV[2] end
else
  ids = redis.call('ZRANGE', source, 0, tonumber(ARGV[3]) - 1)
end
local moved = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', source, id)
  local envelope = redis.call('HGET', JOBS, id)
  if envelope then
    redis.call('HDEL', ATTEMPTS, id)
    redis.call('HDEL', TOKENS, id)
    redis.call('HDEL', STALLS, id)
    redis.call('HDEL', ERRORS, id)
    local uid = unique_id_of(envelope)
    if uid and not redis.call('HGET', UNIQUE, uid) then
      redis.call('HSET', UNIQUE, uid, id)
    end
    redis.call('RPUSH', WAITING, id)
    moved = moved + 1
  end
end
if moved > 0 then
  signal()
end
return moved
