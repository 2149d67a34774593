-- ARGV: state, limit. Deletes up to limit jobs of one state with their data; returns how many.
-- The caller repeats until 0 so that no single call blocks Redis for long.
local state, limit = ARGV[1], tonumber(ARGV[2])
local ids
if state == 'waiting' then
  ids = redis.call('LPOP', WAITING, limit)
  if not ids then
    -- prioritised waiting jobs go once the list is empty
    ids = {}
    local popped = redis.call('ZPOPMIN', PRIORITIZED, limit)
    for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
  end
  -- then the grouped ones, group by group
  while #ids < limit do
    local group = redis.call('ZRANGE', GROUPS, 0, 0)[1]
    if not group then break end
    local line = GROUP_PREFIX .. group
    local popped = redis.call('LPOP', line, limit - #ids)
    if popped then
      for _, id in ipairs(popped) do ids[#ids + 1] = id end
      redis.call('HINCRBY', CONTROL, 'group-waiting', -#popped)
    end
    if redis.call('LLEN', line) == 0 then
      redis.call('ZREM', GROUPS, group)
    end
  end
else
  local key = ({ delayed = DELAYED, reserved = RESERVED, failed = FAILED, timeout = TIMEOUT })[state]
  ids = redis.call('ZRANGE', key, 0, limit - 1)
  if #ids > 0 then
    redis.call('ZREM', key, unpack(ids))
    if state == 'reserved' then
      -- see delete.lua: jobs reserved ahead leave AHEAD with RESERVED
      redis.call('ZREM', AHEAD, unpack(ids))
    end
  end
end
for _, id in ipairs(ids) do
  local envelope = redis.call('HGET', JOBS, id)
  if envelope then
    -- a grouped job that held a slot of its group (running, or a retry waiting out its delay) gives it back
    local _, group = job_meta(envelope)
    if group and (state == 'reserved' or (state == 'delayed' and redis.call('HEXISTS', ATTEMPTS, id) == 1)) then
      release_group_slot(group)
    end
    forget(id, unique_id_of(envelope))
  end
end
return #ids
