-- ARGV: field, value pairs of the limits stored at run time ('global-concurrency', 'rate-max', 'rate-period',
-- 'group-concurrency'), possibly none; an empty value removes the field, so that each instance's configuration applies again.
-- 'backoff-for', ms holds every start back for that long, as a handler's back-off in settle.lua does (a sharded
-- queue's other shards are told of one this way); it never shortens a back-off and signals nothing.
-- Every instance obeys them at its next fetch. A change signals the marker: a raised limit may let a waiting
-- job start now, and the consumer it wakes passes the signal on while slots remain.
-- A changed group concurrency puts blocked groups back among the ready ones (at the tail of the round), as a freed
-- slot does: a raised limit lets them start more now, and a fetch blocks again those still at the limit. At most
-- 1000 per change, so that one change never holds Redis long; the others come back as their running jobs finish.
-- Returns { reserved jobs (what a global concurrency counts), global-concurrency, rate-max, rate-period,
-- ms left of a handler's back-off (0: none), group-concurrency, groups holding a slot (running jobs or a retry
-- waiting out its delay), groups with jobs waiting held back at their group concurrency }, a limit false when
-- none is stored.
local changed, groups_changed = false, false
for i = 1, #ARGV, 2 do
  if ARGV[i] == 'backoff-for' then
    local until_ms = now_ms() + tonumber(ARGV[i + 1])
    if until_ms > tonumber(redis.call('HGET', CONTROL, 'backoff-until') or 0) then
      redis.call('HSET', CONTROL, 'backoff-until', until_ms)
    end
  elseif ARGV[i + 1] == '' then
    local removed = redis.call('HDEL', CONTROL, ARGV[i]) == 1
    changed = removed or changed
    groups_changed = (removed and ARGV[i] == 'group-concurrency') or groups_changed
  else
    redis.call('HSET', CONTROL, ARGV[i], ARGV[i + 1])
    changed = true
    groups_changed = ARGV[i] == 'group-concurrency' or groups_changed
  end
end
if groups_changed then
  local blocked = redis.call('ZRANGEBYSCORE', GROUPS, GROUP_BLOCKED, '+inf', 'LIMIT', 0, 1000)
  if #blocked > 0 then
    local seq = redis.call('HINCRBY', CONTROL, 'group-seq', #blocked) - #blocked
    local entries = {}
    for i, group in ipairs(blocked) do
      entries[#entries + 1] = seq + i
      entries[#entries + 1] = group
    end
    call_chunked('ZADD', GROUPS, entries)
  end
end
if changed then
  signal()
end
local stored = redis.call('HMGET', CONTROL, 'global-concurrency', 'rate-max', 'rate-period', 'backoff-until',
  'group-concurrency')
local backoff = 0
if stored[4] then
  backoff = math.max(tonumber(stored[4]) - now_ms(), 0)
end
-- running jobs: the reserved ones less those reserved ahead of a slot (see fetch.lua), whose live entries only count
-- (a queue with nothing reserved reads no more than before)
local running = redis.call('ZCARD', RESERVED)
if running > 0 then
  running = math.max(running - redis.call('ZCOUNT', AHEAD, '(' .. now_ms(), '+inf'), 0)
end
return { running, stored[1], stored[2], stored[3], backoff, stored[5],
  redis.call('HLEN', GROUP_RUNNING), redis.call('ZCOUNT', GROUPS, GROUP_BLOCKED, '+inf') }
