-- Shared by every script (prepended by RedisScript). All keys of one queue share one hash tag, so
-- every script touches one Redis Cluster slot. KEYS are always passed in this order.
local WAITING, DELAYED, RESERVED, FAILED, TIMEOUT = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local MARKER, JOBS, ATTEMPTS, STALLS, ERRORS, UNIQUE = KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local CONTROL, FENCE, RATE, PRIORITIZED = KEYS[12], KEYS[13], KEYS[14], KEYS[15]
local GROUPS, GROUP_RUNNING, AHEAD = KEYS[16], KEYS[17], KEYS[18]

-- Redis's clock, in milliseconds: producers' and consumers' clocks never matter.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Wakes one consumer blocked in BZPOPMIN on the marker; it re-signals while jobs remain.
local function signal()
  redis.call('ZADD', MARKER, 0, 'ready')
end

-- Priorities: a job pushed with priority 1..1000 waits in PRIORITIZED instead of WAITING, scored so that
-- ZPOPMIN takes the highest priority first and, within one, the earliest queued: (1000 - priority) * 2^40 plus a
-- sequence number (exact in a double up to 2^53). The control hash's 'priority-seq' counts prioritised pushes
-- and is also the mark fetch reads (in the HMGET it makes anyway) to know that the queue has ever had one: a
-- queue that never used priorities runs no command for them.
local PRIORITY_SPAN = 1099511627776

local function priority_in(envelope)
  local ok, decoded = pcall(cjson.decode, envelope)
  if ok and type(decoded) == 'table' and type(decoded['priority']) == 'number' then
    return decoded['priority']
  end
  return 0
end

-- Puts a ready job back among the waiting: at the tail of its priority, or at its head (a job that was
-- running and goes back unstarted keeps its place in line).
local function to_waiting(id, priority, at_head)
  if priority > 0 then
    local seq = 0
    if not at_head then
      seq = redis.call('HINCRBY', CONTROL, 'priority-seq', 1)
    end
    redis.call('ZADD', PRIORITIZED, (1000 - priority) * PRIORITY_SPAN + seq, id)
  elseif at_head then
    redis.call('LPUSH', WAITING, id)
  else
    redis.call('RPUSH', WAITING, id)
  end
end

-- A job ready now: one with a priority goes to PRIORITIZED, one without is collected in plain, for the caller's
-- one RPUSH of them all.
local function sort_ready(id, priority, plain)
  if priority > 0 then
    to_waiting(id, priority, false)
  else
    plain[#plain + 1] = id
  end
end

-- Groups: a job pushed with a group key waits in its group's own FIFO list ({channel}:group:<key>), not in
-- WAITING. GROUPS holds every group that has jobs waiting, scored by a sequence number (the control hash's
-- 'group-seq', which is also the mark fetch reads to know that the queue has ever had a grouped job): a group
-- that may start a job scores below GROUP_BLOCKED, in round-robin order (the fetch that takes a group's job
-- puts the group back at the tail), one whose running jobs fill its group concurrency scores above it.
-- GROUP_RUNNING counts, per group, the jobs that hold one of its slots: reserved ones, and retries waiting
-- out their delay (strict order: nothing else of the group runs before the retry). 'group-waiting' in the
-- control hash counts the jobs in every group's list, for counts.
local GROUP_BLOCKED = 1125899906842624
local GROUP_PREFIX = string.sub(JOBS, 1, -5) .. 'group:'

-- The priority and the group of a job, from its envelope (0 and nil when it has none).
local function job_meta(envelope)
  local ok, decoded = pcall(cjson.decode, envelope)
  if ok and type(decoded) == 'table' then
    local group = decoded['group']
    if type(group) ~= 'string' then group = nil end
    return (type(decoded['priority']) == 'number') and decoded['priority'] or 0, group
  end
  return 0, nil
end

local function next_group_seq()
  return redis.call('HINCRBY', CONTROL, 'group-seq', 1)
end

-- Puts a job in its group's line (at the tail, or at its head when it was running and keeps its place) and the
-- group among the ready ones; LT keeps the place of a group already ready and unblocks a blocked one (its slot
-- is checked again when a fetch takes it).
local function to_group(id, group, at_head)
  if at_head then
    redis.call('LPUSH', GROUP_PREFIX .. group, id)
  else
    redis.call('RPUSH', GROUP_PREFIX .. group, id)
  end
  redis.call('HINCRBY', CONTROL, 'group-waiting', 1)
  redis.call('ZADD', GROUPS, 'LT', next_group_seq(), group)
end

-- A job of the group stops holding a slot (settled, recovered, deleted, its delayed retry fallen due): a
-- blocked group with jobs waiting becomes ready, at the tail of the round. Returns whether it did.
local function release_group_slot(group)
  if redis.call('HINCRBY', GROUP_RUNNING, group, -1) <= 0 then
    redis.call('HDEL', GROUP_RUNNING, group)
  end
  return redis.call('ZADD', GROUPS, 'XX', 'LT', 'CH', next_group_seq(), group) == 1
end

-- Puts a ready job back where it waits: its group's line, or among the waiting by its priority.
local function requeue(id, envelope, at_head)
  local priority, group = job_meta(envelope)
  if group then
    to_group(id, group, at_head)
  else
    to_waiting(id, priority, at_head)
  end
end

local function unique_id_of(envelope)
  local ok, decoded = pcall(cjson.decode, envelope)
  if ok and type(decoded) == 'table' and type(decoded['uniqueId']) == 'string' then
    return decoded['uniqueId']
  end
  return nil
end

-- A unique id is held while its job is waiting, delayed or reserved; released when it leaves them.
local function release_unique(id, uid)
  if uid and uid ~= '' and redis.call('HGET', UNIQUE, uid) == id then
    redis.call('HDEL', UNIQUE, uid)
  end
end

local function forget(id, uid)
  release_unique(id, uid)
  redis.call('HDEL', JOBS, id)
  redis.call('HDEL', ATTEMPTS, id)
  redis.call('HDEL', STALLS, id)
  redis.call('HDEL', ERRORS, id)
end

-- A job's attempts value is 'attempt:fence' while it is reserved (the attempt count and the fetch that
-- reserved it), a bare attempt count once a requeue or release gave an attempt back.
local function attempt_of(value)
  return tonumber(string.match(value, '^%d+'))
end

-- A job is owned by a worker while it is reserved under the worker's token, its whole attempts value. The
-- fence part comes from a counter nothing resets (a reload resets attempts, not the counter): a worker
-- whose lease expired can never settle or renew the job again, however often it is recovered, reloaded
-- and fetched.
local function owned(id, token)
  return redis.call('ZSCORE', RESERVED, id) and redis.call('HGET', ATTEMPTS, id) == token
end

-- Runs one variadic command over a list in chunks (Lua's stack bounds unpack) and joins the replies:
-- call_chunked('ZREM', RESERVED, ids) is one round of Redis work per 500 ids instead of one per id.
local function call_chunked(command, key, list)
  local out = {}
  for i = 1, #list, 500 do
    local reply = redis.call(command, key, unpack(list, i, math.min(i + 499, #list)))
    if type(reply) == 'table' then
      for _, value in ipairs(reply) do out[#out + 1] = value end
    end
  end
  return out
end

local function move_in_chunks(ids, destination)
  call_chunked('RPUSH', destination, ids)
end

-- forget() for many jobs at once: one HDEL per hash for the whole list.
local function forget_all(ids, uids)
  for i, id in ipairs(ids) do
    release_unique(id, uids[i])
  end
  if #ids > 0 then
    call_chunked('HDEL', JOBS, ids)
    call_chunked('HDEL', ATTEMPTS, ids)
    -- stalls and errors are rare: one EXISTS is cheaper than passing every id to an HDEL of nothing
    if redis.call('EXISTS', STALLS) == 1 then call_chunked('HDEL', STALLS, ids) end
    if redis.call('EXISTS', ERRORS) == 1 then call_chunked('HDEL', ERRORS, ids) end
  end
end

-- Parks a job in failed or timeout, then applies the queue's retention to that set: jobs parked more than
-- retention ms ago, and the oldest beyond max_size, are deleted with their data (0 turns either off). At
-- most 100 go per park, so no call runs long; every park trims again, so a set over its limit converges.
local function park_in(key, id, now, retention, max_size)
  redis.call('ZADD', key, now, id)
  if retention > 0 then
    local expired = redis.call('ZRANGEBYSCORE', key, '-inf', now - retention, 'LIMIT', 0, 100)
    if #expired > 0 then
      call_chunked('ZREM', key, expired)
      forget_all(expired, {})
    end
  end
  if max_size > 0 then
    local over = redis.call('ZCARD', key) - max_size
    if over > 0 then
      local oldest = redis.call('ZRANGE', key, 0, math.min(over, 100) - 1)
      call_chunked('ZREM', key, oldest)
      forget_all(oldest, {})
    end
  end
end
