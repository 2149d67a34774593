-- ARGV: records of (id, envelope, delayMs, atMs, uniqueId, priority, group ('' for none)). Returns (id, created) pairs.
-- Ids are made by the client, so a push replayed after a dropped connection lands once (HSETNX).
if redis.call('HEXISTS', CONTROL, 'push-closed') == 1 then
  return redis.error_reply('PUSH_CLOSED pushes to this queue are closed')
end
local now = now_ms()
local out = {}
-- jobs due now go to waiting in one RPUSH at the end, in the order they were given
local ready = {}
for i = 1, #ARGV, 7 do
  local id, envelope, delay, at, uid = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4]
  local priority, group = tonumber(ARGV[i + 5]), ARGV[i + 6]
  local holder = false
  if uid ~= '' then
    holder = redis.call('HGET', UNIQUE, uid)
    if holder and holder ~= id and redis.call('HEXISTS', JOBS, holder) == 0 then
      holder = false
    end
  end
  if holder and holder ~= id then
    out[#out + 1] = holder
    out[#out + 1] = 0
  else
    if redis.call('HSETNX', JOBS, id, envelope) == 1 then
      if uid ~= '' then
        redis.call('HSET', UNIQUE, uid, id)
      end
      local due = now + delay
      if at > 0 then
        due = at
      end
      if due > now then
        redis.call('ZADD', DELAYED, due, id)
        if group ~= '' then
          -- marks the queue as using groups, so that fetch puts the job in its group's line when it falls due
          next_group_seq()
        elseif priority > 0 then
          -- marks the queue as using priorities, so that fetch sorts the job when it falls due
          redis.call('HINCRBY', CONTROL, 'priority-seq', 1)
        end
      elseif group ~= '' then
        to_group(id, group, false)
      else
        sort_ready(id, priority, ready)
      end
    end
    out[#out + 1] = id
    out[#out + 1] = 1
  end
end
move_in_chunks(ready, WAITING)
signal()
return out
