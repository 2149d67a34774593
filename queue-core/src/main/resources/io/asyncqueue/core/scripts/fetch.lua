-- ARGV: count, leaseMs, maxStalls, stalledAction ('recover' or 'park'), stalledError (JSON),
-- failedRetentionMs, failedMaxSize (0: keep parked jobs; see park_in),
-- globalConcurrency, rateMax, ratePeriodMs (0: no such limit; fields of the control hash set at run time win),
-- groupConcurrency (jobs of one group running at once; the control hash's 'group-concurrency' set at run time wins),
-- free (how many of count the caller would start at once: its handlers without a job; default count),
-- held (jobs of the caller holding a slot of the global concurrency), owner (the caller's id, for 'slot-wanted'),
-- then (id, token) pairs of jobs the caller reserved ahead and would start now, on handlers of the free ones.
-- Promotes due delayed jobs, recovers expired leases, then reserves up to count waiting jobs, as many as the
-- queue's limits let start now: the prioritised ones first, highest priority first (see the prelude), then
-- plain and grouped jobs in turns, the grouped ones one per ready group in round-robin order.
-- Returns { {id, attempt, token, envelope, ...}, {recovered ids}, {failed or parked ids}, wakeInMs, limitWakeMs,
-- slotJobs, contended, {promoted ids} }
-- where wakeInMs is when something becomes due (-1: nothing scheduled, 0: jobs are waiting,
-- -2: the queue is paused; resume signals the marker) and limitWakeMs is when the rate limit or a handler's
-- back-off lets the next waiting job start (-1: no limit holds jobs back on time; a full global concurrency
-- is woken by the settle that frees a slot, see 'slot-wanted', and by a fetch that fills it under its own mark),
-- slotJobs how many of the jobs, the first ones, hold a
-- slot of the global concurrency (-1: the queue has none, every job may start) and contended 1 when another consumer
-- waits for a slot or the queue runs over its limit (lowered at run time): the caller then hands no slot on.
-- Global concurrency counts running jobs, not reserved ones: a job the caller reserves beyond its free handlers is
-- reserved *ahead* (in AHEAD as well as RESERVED) and holds no slot; the caller starts it only in the slot of one of
-- its own jobs that finished, handed over by that job's settle in the same script call (settle.lua), so the count
-- never drops between the two. Jobs are reserved ahead only by a caller that holds a slot (else nothing would start
-- them) and only while nobody else waits for one (else the holder would keep its slots for good). A job reserved ahead
-- whose worker had no finishing job to take a slot from (its jobs all ended before the fetch reply came) is given one
-- by the worker's next fetch, before any new job: 'promoted'.
-- An idle queue is fetched every blocking timeout, so the idle path runs as few commands as it can:
-- the earliest delayed job and lease are read once, and serve both as "anything due?" and as the wake time.
-- At maxmemory under noeviction Redis refuses a script whose first write may grow memory (and lets the rest
-- through once one has happened): every path here writes a removal first (ZREM, LPOP), so that a full Redis
-- can still be drained, which is what frees it.
local clock = redis.call('TIME')
local now_us = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local now = math.floor(now_us / 1000)
local count, lease, max_stalls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local park, stalled_error = ARGV[4] == 'park', ARGV[5]
local retention, max_parked = tonumber(ARGV[6]), tonumber(ARGV[7])

local function earliest(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then
    return tonumber(first[2])
  end
  return nil
end

-- one read of the control hash serves the pause switch, every limit and the priorities and groups marks, so a
-- queue without limits, priorities or groups pays nothing for them
local control = redis.call('HMGET', CONTROL, 'paused', 'global-concurrency', 'rate-max', 'rate-period',
  'backoff-until', 'priority-seq', 'group-seq', 'group-concurrency', 'slot-wanted')
local prioritized = control[6] and true or false
local grouped = control[7] and true or false

-- whether a group may start a job: the first of GROUPS is not blocked
local function group_ready()
  local first = earliest(GROUPS)
  return first ~= nil and first < GROUP_BLOCKED
end

-- whether any job is ready to start, prioritised, plain or grouped
local function any_waiting()
  return redis.call('LLEN', WAITING) > 0 or (prioritized and redis.call('ZCARD', PRIORITIZED) > 0)
    or (grouped and group_ready())
end

local next_due = earliest(DELAYED)
if next_due and next_due <= now then
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 1000)
  call_chunked('ZREM', DELAYED, due)
  if prioritized or grouped then
    local envelopes = call_chunked('HMGET', JOBS, due)
    -- a grouped job that was fetched before is a retry that kept its group's slot while it waited: it goes
    -- to the head of its group's line and gives the slot back, so it runs before the rest of its group
    local retried = grouped and call_chunked('HMGET', ATTEMPTS, due) or {}
    local plain = {}
    for i, id in ipairs(due) do
      local priority, group = 0, nil
      if envelopes[i] then priority, group = job_meta(envelopes[i]) end
      if group then
        to_group(id, group, retried[i] and true or false)
        if retried[i] then release_group_slot(group) end
      else
        sort_ready(id, priority, plain)
      end
    end
    due = plain
  end
  move_in_chunks(due, WAITING)
  next_due = earliest(DELAYED)
end

local recovered, failed = {}, {}
local next_expiry = earliest(RESERVED)
if next_expiry and next_expiry <= now then
  local expired = redis.call('ZRANGEBYSCORE', RESERVED, '-inf', now, 'LIMIT', 0, 100)
  for _, id in ipairs(expired) do
    redis.call('ZREM', RESERVED, id)
    local envelope = redis.call('HGET', JOBS, id)
    if envelope then
      local stalls = redis.call('HINCRBY', STALLS, id, 1)
      local group = grouped and select(2, job_meta(envelope)) or nil
      if park or stalls > max_stalls then
        redis.call('HSET', ERRORS, id, stalled_error)
        release_unique(id, unique_id_of(envelope))
        park_in(park and TIMEOUT or FAILED, id, now, retention, max_parked)
        failed[#failed + 1] = id
      elseif group then
        -- back to the head of its group's line: it still runs before the rest of its group
        to_group(id, group, true)
        recovered[#recovered + 1] = id
      else
        to_waiting(id, prioritized and priority_in(envelope) or 0, true)
        recovered[#recovered + 1] = id
      end
      if group then
        release_group_slot(group)
      end
    end
  end
  next_expiry = earliest(RESERVED)
end

if control[1] then
  return { {}, recovered, failed, -2, -1, -1, 0, {} }
end
local global = tonumber(control[2] or ARGV[8])
local rate_max, rate_period = tonumber(control[3] or ARGV[9]), tonumber(control[4] or ARGV[10])
local limit_wake = -1
local rate_window, rate_room = false, 0

-- ms until the oldest start of the log leaves the window, letting the next one through
local function rate_wake()
  local oldest = redis.call('ZRANGE', RATE, 0, 0, 'WITHSCORES')
  return math.max(math.ceil((tonumber(oldest[2]) + rate_window - now_us) / 1000), 1)
end
local slots_free = false
local free, held, owner = tonumber(ARGV[12] or count), tonumber(ARGV[13] or 0), ARGV[14] or ''
local slot_jobs, contended = -1, 0
local candidates, promoted = {}, {}
for i = 15, #ARGV - 1, 2 do
  candidates[#candidates + 1] = ARGV[i]
  candidates[#candidates + 1] = ARGV[i + 1]
end
local backed_off = false
if count > 0 then
  local backoff_until = tonumber(control[5] or 0)
  if backoff_until > now then
    count, limit_wake, backed_off = 0, backoff_until - now, true
  end
end
if count > 0 and rate_max > 0 then
  -- a sliding log: the starts of the last period, scored by µs; a job starts while fewer than max are in it,
  -- so no window of the period, wherever it begins, ever holds more than max
  rate_window = rate_period * 1000
  redis.call('ZREMRANGEBYSCORE', RATE, '-inf', now_us - rate_window)
  rate_room = rate_max - redis.call('ZCARD', RATE)
  if rate_room <= 0 then
    count = 0
    -- an idle queue is not woken when its window drains: a push signals it
    if any_waiting() then limit_wake = rate_wake() end
  elseif rate_room < count then
    count = rate_room
  end
end
if (count > 0 or (#candidates > 0 and not backed_off)) and global > 0 then
  -- A reserved job holds a slot until it is settled or its lease expires (recovered above), unless it was reserved
  -- ahead and no slot was handed to it yet: a killed instance's slots come back with its leases. An entry of AHEAD
  -- past its deadline is one whose job left RESERVED (recovered) or one its worker kept past the lease: dropping it
  -- counts that job as running, never fewer than run.
  -- (An idle queue, nothing reserved, reads only RESERVED: AHEAD is a part of it.)
  local reserved = redis.call('ZCARD', RESERVED)
  if reserved > 0 then
    redis.call('ZREMRANGEBYSCORE', AHEAD, '-inf', now)
    reserved = reserved - redis.call('ZCARD', AHEAD)
  end
  slots_free = global - reserved
  -- slots the caller could use now: no more than the limit (a worker with more handlers than the limit does not
  -- wait for slots nobody holds)
  local wanted = math.min(free, count + #candidates / 2, global)
  -- a candidate no longer in AHEAD counts as running already (a promotion whose reply was lost, an entry pruned
  -- when its reply came late): it takes no slot, and still starts
  local charged = 0
  for c = 1, #candidates, 2 do
    if #promoted >= free then break end
    if owned(candidates[c], candidates[c + 1]) then
      if charged < slots_free then
        charged = charged + redis.call('ZREM', AHEAD, candidates[c])
        promoted[#promoted + 1] = candidates[c]
      elseif not redis.call('ZSCORE', AHEAD, candidates[c]) then
        promoted[#promoted + 1] = candidates[c]
      end
    end
  end
  slots_free = slots_free - charged
  local want = math.min(count, free - #promoted)
  local grant = math.max(math.min(slots_free, want), 0)
  if slots_free < 0 or (control[9] and control[9] ~= owner) then contended = 1 end
  slot_jobs = grant
  if contended == 0 and held + #promoted + grant > 0 then
    count = count - want + grant
  else
    count = grant
  end
  slots_free = slots_free - grant
  if #promoted + grant < wanted and (#candidates > 2 * #promoted or any_waiting()) then
    -- the settle that frees a slot signals one consumer; HDEL first: a full Redis refuses a script whose
    -- first write may grow memory, and this fetch must still be answered
    redis.call('HDEL', CONTROL, 'slot-wanted')
    redis.call('HSET', CONTROL, 'slot-wanted', owner)
  end
elseif #candidates > 0 and global == 0 and not backed_off then
  -- the limit was cleared at run time: whatever the caller reserved ahead may start
  for c = 1, #candidates, 2 do
    if owned(candidates[c], candidates[c + 1]) and redis.call('ZREM', AHEAD, candidates[c]) == 1 then
      promoted[#promoted + 1] = candidates[c]
    end
  end
end

local jobs = {}
local ids = {}
-- id to group of the jobs taken from a group's line, whose tokens carry the mark settle looks for
local in_group = {}

local function take_plain(n)
  if n > 0 then
    local popped = redis.call('LPOP', WAITING, n)
    if popped then
      for _, id in ipairs(popped) do ids[#ids + 1] = id end
    end
  end
end

-- Takes up to n jobs, at most one per ready group per round, in round-robin order: a group that may start
-- another job goes back to the tail, one whose slots are full is blocked until a settle frees one. A round
-- that takes nothing re-adds no ready group, so the rounds end.
local group_limit = tonumber(control[8] or ARGV[11] or 1)
local function take_groups(n)
  local taken = 0
  while taken < n do
    local ready = redis.call('ZRANGEBYSCORE', GROUPS, '-inf', string.format('(%d', GROUP_BLOCKED), 'LIMIT', 0, n - taken)
    if #ready == 0 then break end
    call_chunked('ZREM', GROUPS, ready)
    local back = {}
    for _, group in ipairs(ready) do
      local running = tonumber(redis.call('HGET', GROUP_RUNNING, group) or 0)
      local line = GROUP_PREFIX .. group
      if running >= group_limit then
        -- its slots were taken meanwhile (or its limit lowered): blocked until a settle frees one
        back[#back + 1] = { false, group }
      else
        local id = redis.call('LPOP', line)
        if id then
          ids[#ids + 1] = id
          in_group[id] = group
          taken = taken + 1
          running = redis.call('HINCRBY', GROUP_RUNNING, group, 1)
          if redis.call('LLEN', line) > 0 then
            back[#back + 1] = { running < group_limit, group }
          end
        end
      end
    end
    if #back > 0 then
      local seq = redis.call('HINCRBY', CONTROL, 'group-seq', #back) - #back
      local entries = {}
      for i, entry in ipairs(back) do
        entries[#entries + 1] = entry[1] and (seq + i) or (GROUP_BLOCKED + seq + i)
        entries[#entries + 1] = entry[2]
      end
      call_chunked('ZADD', GROUPS, entries)
    end
  end
  if taken > 0 then
    redis.call('HINCRBY', CONTROL, 'group-waiting', -taken)
  end
end

if count > 0 and prioritized then
  -- strict priority: the prioritised jobs (1..1000) all run before the unprioritised ones (0) of the list
  local popped = redis.call('ZPOPMIN', PRIORITIZED, count)
  for i = 1, #popped, 2 do ids[#ids + 1] = popped[i] end
end
if count > #ids and grouped then
  -- plain and grouped jobs take turns, half a fetch each (the rest when one kind runs short), which goes first
  -- decided by Redis's clock, so that neither kind can starve the other
  local first = math.ceil((count - #ids) / 2)
  if now_us % 2 == 0 then
    take_groups(first)
    take_plain(count - #ids)
    take_groups(count - #ids)
  else
    take_plain(first)
    take_groups(count - #ids)
    take_plain(count - #ids)
  end
elseif count > #ids then
  take_plain(count - #ids)
end
if #ids > 0 then
  -- one command per key for the whole batch: HMGET the envelopes and attempts, HSET the new attempts,
  -- ZADD the leases (an id without an envelope was deleted while waiting: it is skipped)
  local envelopes = call_chunked('HMGET', JOBS, ids)
  local attempts = call_chunked('HMGET', ATTEMPTS, ids)
  -- The lease token is the whole 'attempt:fence' value, fence drawn once per fetch from a counter that
  -- nothing resets: a job is fetched at most once per call, so its tokens never repeat, even after a reload
  -- resets its attempts. Numbers passed to redis.call are formatted with sprintf per use, a large part of
  -- this script's cost: the deadline and the token of a first attempt (almost every job) are built once.
  local deadline = tostring(now + lease)
  local fence = ':' .. redis.call('INCR', FENCE)
  local first = '1' .. fence
  local counted, leases = {}, {}
  for i, id in ipairs(ids) do
    local envelope = envelopes[i]
    if not envelope and in_group[id] then
      -- deleted while it waited: the slot taken for it is given back
      release_group_slot(in_group[id])
    end
    if envelope then
      local attempt, token = 1, first
      if attempts[i] then
        attempt = attempt_of(attempts[i]) + 1
        token = attempt .. fence
      end
      if in_group[id] then
        -- settle finds a grouped job by this mark and only then reads its group: ungrouped settles pay nothing
        token = token .. 'g'
      end
      jobs[#jobs + 1] = id
      jobs[#jobs + 1] = attempt
      jobs[#jobs + 1] = token
      jobs[#jobs + 1] = envelope
      counted[#counted + 1] = id
      counted[#counted + 1] = token
      leases[#leases + 1] = deadline
      leases[#leases + 1] = id
    end
  end
  if #leases > 0 then
    -- pairs never straddle a chunk: chunks are 500 long
    call_chunked('HSET', ATTEMPTS, counted)
    call_chunked('ZADD', RESERVED, leases)
    if slot_jobs >= 0 and #leases > 2 * slot_jobs then
      -- the jobs beyond the granted slots are reserved ahead
      local ahead = {}
      for i = 2 * slot_jobs + 1, #leases do ahead[#ahead + 1] = leases[i] end
      call_chunked('ZADD', AHEAD, ahead)
    elseif slot_jobs > #leases / 2 then
      slot_jobs = #leases / 2
    end
    if rate_window then
      local starts, at = {}, string.format('%d', now_us)
      for i = 2, #leases, 2 do
        starts[#starts + 1] = at
        starts[#starts + 1] = fence .. ':' .. i
      end
      call_chunked('ZADD', RATE, starts)
    end
  end
  if #ids == count and any_waiting() then
    local rate_capped = rate_window and count == rate_room
    if rate_capped then
      -- the next start is not due yet: the caller wakes a consumer when it is
      limit_wake = rate_wake()
    end
    local filled = slots_free and slots_free <= 0
    if filled and not control[9] then
      redis.call('HSET', CONTROL, 'slot-wanted', owner)
    end
    if filled and owner ~= '' and not rate_capped and (not control[9] or control[9] == owner) then
      -- This fetch filled the limit under its own instance's mark. Another instance's consumer may be blocked on
      -- the marker since before the backlog came, so with no mark of its own; a caller that hands its slots from
      -- job to job (and keeps them for its next fetch) frees almost none, and that consumer would sleep until its
      -- blocking timeout while this one drains the queue. BZPOPMIN wakes the longest-blocked consumer first: with
      -- a free handler it fetches, finds the limit full and marks its wish, which the holder reads at its next
      -- fetch and hands no slot on. (One of this caller's own consumers woken instead takes nothing and blocks
      -- again; a sharded queue, owner '', reserves nothing ahead and keeps no slot, so it needs no such wake.)
      signal()
    end
    if not rate_capped and not filled then
      signal()
      return { jobs, recovered, failed, 0, -1, slot_jobs, contended, promoted }
    end
    if not rate_capped and #ids > 0 then
      -- this fetch filled the global concurrency: its caller's jobs free their slots as they finish, so it
      -- looks again then, gathering the slots freed together into one fetch (a backlog, 0), instead of taking
      -- whatever is free at the moment; the mark above still lets a settle wake another instance's consumer
      return { jobs, recovered, failed, 0, -1, slot_jobs, contended, promoted }
    end
  end
end

local wake = -1
if next_due then wake = next_due end
if next_expiry and (wake == -1 or next_expiry < wake) then wake = next_expiry end
if wake ~= -1 then wake = math.max(wake - now, 1) end
return { jobs, recovered, failed, wake, limit_wake, slot_jobs, contended, promoted }
