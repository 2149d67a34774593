-- ARGV: failedRetentionMs, failedMaxSize (0: keep failed jobs; see park_in), then one record per job.
-- Returns per record 1 when its job was settled, 0 when the caller no longer owns it (its lease expired and
-- the job was recovered), 2 when the job is gone (settled by an earlier try whose reply was lost, or deleted);
-- then one more element, 1, when this call signalled the queue's marker (a job back to waiting or delayed, a
-- group's slot given back, a slot freed that a consumer had found full), so that a sharded queue's caller rings
-- the marker its consumers block on too (shard 0's, in another slot).
-- Records:
--   ack, id, token                                   the job is done, forget it (the common case, kept short)
--   action, id, token, delayMs, error JSON, uniqueId for every other action:
--     ack-unique : an ack of a job that holds a unique id, released here
--     drop       : the job is done, forget it
--     retry      : back to delayed (or waiting when delay is 0), keeping the attempt count
--     requeue    : like retry, without counting this attempt
--     release    : straight back to the head of waiting, without counting this attempt (clean shutdown)
--     rate-limited : like release, and no job of the queue starts for delayMs (a handler hit a downstream limit)
--     fail       : park in failed with the error
-- An action ending in '>' (ack>, retry>, ...) is followed by two more arguments, the id and token of a job the
-- caller reserved ahead of a slot of the global concurrency (see fetch.lua) and starts in the slot of this one:
-- the slot passes from one to the other in this call, so the count of running jobs never drops between them.
-- An action ending in '<' (before any '>') is that of a job that was reserved ahead: it may still be in AHEAD (put
-- back unstarted, or started in a slot whose hand-over has not landed yet), held no slot then and frees none. Only a
-- slot freed wakes a consumer that found the global concurrency full.
-- A job taken from a group's line (its token ends in 'g', see fetch.lua) gives its group's slot back, except a
-- retry that waits out a delay: it keeps the slot, so that no later job of its group runs before it (strict
-- order); released, requeued and retried jobs go back to the head of their group's line.
-- A batch is mostly acks, so ownership is read and acks are applied with one command per key for the
-- whole batch (ZMSCORE, HMGET, ZREM, HDEL) rather than several per job. The reserved ZREM is the first
-- write: at maxmemory under noeviction Redis refuses only a script whose first write may grow memory, so a
-- batch that starts with a retry or a failure still lands, acks included, and a full queue can drain.
local now = now_ms()

local function priority_of(id)
  local envelope = redis.call('HGET', JOBS, id)
  return envelope and priority_in(envelope) or 0
end
local retention, max_parked = tonumber(ARGV[1]), tonumber(ARGV[2])
local actions, ids, tokens, delays, errors, uids = {}, {}, {}, {}, {}, {}
local handed = {}
-- the settled jobs that were reserved ahead: only they may still be in AHEAD
local was_ahead = {}
local i = 3
while i <= #ARGV do
  local n = #ids + 1
  local action = ARGV[i]
  local hands = string.byte(action, -1) == 62
  if hands then action = string.sub(action, 1, -2) end
  if string.byte(action, -1) == 60 then
    action = string.sub(action, 1, -2)
    was_ahead[n] = true
  end
  actions[n], ids[n], tokens[n] = action, ARGV[i + 1], ARGV[i + 2]
  if action == 'ack' then
    delays[n], errors[n], uids[n] = 0, '', ''
    i = i + 3
  else
    delays[n], errors[n], uids[n] = tonumber(ARGV[i + 3]), ARGV[i + 4], ARGV[i + 5]
    i = i + 6
  end
  if hands then
    handed[n] = ARGV[i]
    i = i + 2
  end
end
local leased = call_chunked('ZMSCORE', RESERVED, ids)
local owners = call_chunked('HMGET', ATTEMPTS, ids)
local out = {}
local wake = false
local settled = {}
local seen = {}
for n = 1, #ids do
  local id = ids[n]
  -- the same id twice in one batch: only the first can own it
  if leased[n] and owners[n] == tokens[n] and not seen[id] then
    seen[id] = true
    settled[#settled + 1] = id
    out[n] = 1
  elseif redis.call('HEXISTS', JOBS, id) == 0 then
    out[n] = 2
  else
    out[n] = 0
  end
end
-- the groups of the settled grouped jobs, read before an ack forgets their envelopes
local groups = {}
local grouped = {}
for n = 1, #ids do
  if out[n] == 1 and string.byte(owners[n], -1) == 103 then
    grouped[#grouped + 1] = n
  end
end
if #grouped > 0 then
  local grouped_ids = {}
  for i, n in ipairs(grouped) do grouped_ids[i] = ids[n] end
  local envelopes = call_chunked('HMGET', JOBS, grouped_ids)
  for i, n in ipairs(grouped) do
    if envelopes[i] then groups[n] = select(2, job_meta(envelopes[i])) end
  end
end
-- slots kept: handed to a job reserved ahead, or never held by a released job that was reserved ahead. The job
-- taken out of AHEAD counts from here on, as it runs: no ownership is checked (two commands per job), since a job
-- that went back and was reserved ahead again elsewhere while this caller ran it (its lease expired) is running
-- here, and the other worker's hand-over then finds it counted already and frees its own slot instead. A job the
-- caller started in the slot of one that was no longer its own still counts from here on too.
local kept = 0
-- one ZREM per call, not per job: the members it removed, counted
local function removed(list)
  local count = 0
  for i = 1, #list, 500 do
    count = count + redis.call('ZREM', AHEAD, unpack(list, i, math.min(i + 499, #list)))
  end
  return count
end
local handed_by_settled, handed_by_others = {}, {}
for n, next_id in pairs(handed) do
  if out[n] == 1 then
    handed_by_settled[#handed_by_settled + 1] = next_id
  else
    handed_by_others[#handed_by_others + 1] = next_id
  end
end
kept = removed(handed_by_settled)
removed(handed_by_others)
if #settled > 0 then
  call_chunked('ZREM', RESERVED, settled)
  -- a settled job still reserved ahead held no slot, so it frees none: one put back unstarted, or one started in
  -- a slot handed over by a settle that has not landed yet (which then hands nothing, and frees its own)
  local settled_ahead = {}
  for n in pairs(was_ahead) do
    if out[n] == 1 then settled_ahead[#settled_ahead + 1] = ids[n] end
  end
  kept = kept + removed(settled_ahead)
  -- a fetch found the queue's global concurrency full: the slot freed here goes to one waiting consumer
  if #settled > kept and redis.call('HDEL', CONTROL, 'slot-wanted') == 1 then
    wake = true
  end
end
local done, done_uids = {}, {}

-- A job that runs again goes back to waiting: a grouped one to the head of its group's line, giving its slot
-- back (it still runs before the rest of its group), another by its priority, at the head or the tail.
local function back_to_waiting(id, group, at_head)
  if group then
    to_group(id, group, true)
    release_group_slot(group)
  else
    -- a job keeps its priority through retries and releases; read from its envelope, since only these rarer
    -- paths need it
    to_waiting(id, priority_of(id), at_head)
  end
end

for n = 1, #ids do
  local action, id, delay, err, uid = actions[n], ids[n], delays[n], errors[n], uids[n]
  local group = groups[n]
  if out[n] == 1 then
    if action == 'ack' or action == 'ack-unique' or action == 'drop' or action == 'fail' then
      if action == 'fail' then
        redis.call('HSET', ERRORS, id, err)
        release_unique(id, uid)
        park_in(FAILED, id, now, retention, max_parked)
      else
        done[#done + 1] = id
        done_uids[#done] = uid
      end
      -- done for good: the group's next job may run
      if group and release_group_slot(group) then
        wake = true
      end
    else
      if action ~= 'retry' then
        -- this attempt is given back; the token part goes with the lease
        redis.call('HSET', ATTEMPTS, id, attempt_of(owners[n]) - 1)
      end
      if err ~= '' then
        redis.call('HSET', ERRORS, id, err)
      end
      if action == 'release' or action == 'rate-limited' then
        back_to_waiting(id, group, true)
        if action == 'rate-limited' then
          local until_ms = now + delay
          if until_ms > tonumber(redis.call('HGET', CONTROL, 'backoff-until') or 0) then
            redis.call('HSET', CONTROL, 'backoff-until', until_ms)
          end
        end
      elseif delay > 0 then
        -- a grouped job keeps its group's slot while it waits (see fetch.lua's promotion)
        redis.call('ZADD', DELAYED, now + delay, id)
      else
        back_to_waiting(id, group, false)
      end
      wake = true
    end
  end
end
forget_all(done, done_uids)
if wake then
  signal()
end
-- The dashboard's history, by Redis's clock: one hash per queue and hour ({channel}:history:<hour>, in the
-- queue's slot) holding '<minute of hour>:<p|f|r>' and the hour's totals 'p', 'f', 'r' (processed, failed,
-- retried), expiring 25 hours after its first write. One or two HINCRBYs per outcome per call, not per job.
local tally = {p = 0, f = 0, r = 0}
for n = 1, #ids do
  if out[n] == 1 then
    local action = actions[n]
    if action == 'ack' or action == 'ack-unique' or action == 'drop' then
      tally.p = tally.p + 1
    elseif action == 'fail' then
      tally.f = tally.f + 1
    elseif action == 'retry' then
      tally.r = tally.r + 1
    end
  end
end
local minute = math.floor(now / 60000)
local history = string.sub(JOBS, 1, -5) .. 'history:' .. math.floor(minute / 60)
for _, kind in ipairs({'p', 'f', 'r'}) do
  local count = tally[kind]
  if count > 0 then
    redis.call('HINCRBY', history, (minute % 60) .. ':' .. kind, count)
    if redis.call('HINCRBY', history, kind, count) == count then
      redis.call('EXPIRE', history, 90000)
    end
  end
end
if wake then
  out[#ids + 1] = 1
end
return out
