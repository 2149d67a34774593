-- One schedule's tick: the claim and its push in one atomic step, so that no crash can claim a tick without
-- its job, nor push a job whose tick another instance also claims (composed after the prelude and push.lua
-- as push_one, like guarded-push.lua).
-- KEYS: the queue's keys in the prelude's order (ARGV[1] of them), then the schedule's hash.
-- ARGV[1] how many KEYS are the queue's
-- ARGV[2] action: 'tick' (claim ARGV[4], pushing when ARGV[6] is '1'), 'init' (a new schedule: last = ARGV[4],
--         nothing pushed) or 'trigger' (the pending trigger-now request ARGV[3]: push, whatever the ticks)
-- ARGV[3] expected: the schedule's last tick as the caller read it ('' for none), or for 'trigger' the request
-- ARGV[4] the tick claimed (epoch ms), ARGV[5] the tick after it ('' for none), ARGV[6] '1' to push
-- ARGV[7] ticks this claim passes over without a job of their own (a misfire)
-- ARGV[8..] one push record as push.lua takes it (id, envelope, delayMs, atMs, uniqueId, priority, group), passed on whole
-- Returns {'claimed', job id or ''} | {'stale', what the schedule holds instead} | {'paused'} | {'closed'}
local SCHEDULE = KEYS[tonumber(ARGV[1]) + 1]
local action, expected, tick, following, push = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1'
local record = {}
for i = 8, #ARGV do record[#record + 1] = ARGV[i] end

local function pushed_job()
  local out = push_one(record)
  redis.call('HSET', SCHEDULE, 'fired', tick, 'job', out[1])
  return out[1]
end

-- Refused before anything is claimed: the tick stays due and is claimed once pushes reopen.
if push and redis.call('HEXISTS', CONTROL, 'push-closed') == 1 then
  return {'closed'}
end
if action == 'trigger' then
  local pending = redis.call('HGET', SCHEDULE, 'trigger') or ''
  if pending ~= expected then
    return {'stale', pending}
  end
  redis.call('HDEL', SCHEDULE, 'trigger')
  redis.call('HINCRBY', SCHEDULE, 'triggered', 1)
  return {'claimed', pushed_job()}
end
local last = redis.call('HGET', SCHEDULE, 'last') or ''
if last ~= expected then
  return {'stale', last}
end
if action == 'tick' and redis.call('HEXISTS', SCHEDULE, 'paused') == 1 then
  return {'paused'}
end
redis.call('HSET', SCHEDULE, 'last', tick)
if following ~= '' then
  redis.call('HSET', SCHEDULE, 'next', following)
else
  redis.call('HDEL', SCHEDULE, 'next')
end
local missed = tonumber(ARGV[7])
if missed > 0 then
  redis.call('HINCRBY', SCHEDULE, 'missed', missed)
end
if not push then
  return {'claimed', ''}
end
redis.call('HINCRBY', SCHEDULE, 'pushes', 1)
return {'claimed', pushed_job()}
