-- ARGV: count, leaseMs, maxStalls, stalledAction ('recover' or 'park'), stalledError (JSON).
-- Promotes due delayed jobs, recovers expired leases, then reserves up to count waiting jobs.
-- Returns { {id, attempt, envelope, ...}, {recovered ids}, {failed or parked ids}, wakeInMs }
-- where wakeInMs is when something becomes due (-1: nothing scheduled, 0: jobs are waiting,
-- -2: the queue is paused; resume signals the marker).
local now = now_ms()
local count, lease, max_stalls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local park, stalled_error = ARGV[4] == 'park', ARGV[5]

local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 1000)
if #due > 0 then
  move_in_chunks(due, WAITING)
  for i = 1, #due, 500 do
    redis.call('ZREM', DELAYED, unpack(due, i, math.min(i + 499, #due)))
  end
end

local recovered, failed = {}, {}
local expired = redis.call('ZRANGEBYSCORE', RESERVED, '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  redis.call('ZREM', RESERVED, id)
  local envelope = redis.call('HGET', JOBS, id)
  if envelope then
    local stalls = redis.call('HINCRBY', STALLS, id, 1)
    if park or stalls > max_stalls then
      redis.call('ZADD', park and TIMEOUT or FAILED, now, id)
      redis.call('HSET', ERRORS, id, stalled_error)
      release_unique(id, unique_id_of(envelope))
      failed[#failed + 1] = id
    else
      redis.call('LPUSH', WAITING, id)
      recovered[#recovered + 1] = id
    end
  end
end

local paused = redis.call('HEXISTS', CONTROL, 'paused') == 1
local jobs = {}
if count > 0 and not paused then
  local ids = redis.call('LPOP', WAITING, count)
  if ids then
    local deadline = now + lease
    for _, id in ipairs(ids) do
      local envelope = redis.call('HGET', JOBS, id)
      if envelope then
        jobs[#jobs + 1] = id
        jobs[#jobs + 1] = redis.call('HINCRBY', ATTEMPTS, id, 1)
        jobs[#jobs + 1] = envelope
        redis.call('ZADD', RESERVED, deadline, id)
      end
    end
  end
end

local wake = -1
if paused then
  wake = -2
elseif redis.call('LLEN', WAITING) > 0 then
  signal()
  wake = 0
else
  local next_due = redis.call('ZRANGE', DELAYED, 0, 0, 'WITHSCORES')
  local next_expiry = redis.call('ZRANGE', RESERVED, 0, 0, 'WITHSCORES')
  local at = nil
  if next_due[2] then at = tonumber(next_due[2]) end
  if next_expiry[2] and (at == nil or tonumber(next_expiry[2]) < at) then at = tonumber(next_expiry[2]) end
  if at then wake = math.max(at - now, 0) end
end
return { jobs, recovered, failed, wake }
