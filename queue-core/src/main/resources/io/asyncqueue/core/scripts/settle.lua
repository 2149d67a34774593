-- ARGV: groups of (action, id, token, delayMs, error JSON, uniqueId). Returns 1 per settled job, 0 when
-- the caller no longer owns it (its lease expired and the job was recovered, or it was deleted).
--   ack / drop : the job is done, forget it
--   retry      : back to delayed (or waiting when delay is 0), keeping the attempt count
--   requeue    : like retry, without counting this attempt
--   release    : straight back to the head of waiting, without counting this attempt (clean shutdown)
--   fail       : park in failed with the error
local now = now_ms()
local out = {}
local wake = false
for i = 1, #ARGV, 6 do
  local action, id, token, delay, err, uid = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5]
  if owned(id, token) then
    redis.call('ZREM', RESERVED, id)
    if action == 'ack' or action == 'drop' then
      forget(id, uid)
    elseif action == 'fail' then
      redis.call('ZADD', FAILED, now, id)
      redis.call('HSET', ERRORS, id, err)
      release_unique(id, uid)
    else
      if action ~= 'retry' then
        redis.call('HINCRBY', ATTEMPTS, id, -1)
      end
      if err ~= '' then
        redis.call('HSET', ERRORS, id, err)
      end
      if action == 'release' then
        redis.call('LPUSH', WAITING, id)
      elseif delay > 0 then
        redis.call('ZADD', DELAYED, now + delay, id)
      else
        redis.call('RPUSH', WAITING, id)
      end
      wake = true
    end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if wake then
  signal()
end
return out
