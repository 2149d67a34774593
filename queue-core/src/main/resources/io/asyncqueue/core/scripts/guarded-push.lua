-- A push that the application's guard (compiled above as user_guard, with its own KEYS and ARGV) decides,
-- in this one script: the guard's writes and the job land together or not at all.
-- KEYS: the queue's keys, in the prelude's order, then the guard's keys.
-- ARGV[1] how many KEYS are the queue's; ARGV[2..8] one push record (id, envelope, delayMs, atMs, uniqueId, priority,
-- group) as push.lua takes it; ARGV[9..] the guard's arguments.
-- Returns {'pushed' | 'refused' | 'duplicate' | 'replayed', job id or '', guard reply (absent when nil)}.
local queue_keys = tonumber(ARGV[1])
local guard_keys, guard_args = {}, {}
for i = queue_keys + 1, #KEYS do guard_keys[#guard_keys + 1] = KEYS[i] end
for i = 9, #ARGV do guard_args[#guard_args + 1] = ARGV[i] end
local record = {ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]}
local id, uid = record[1], record[5]

-- Refusals that need no guard come first, so that a guard never takes what no job would come for.
if redis.call('HEXISTS', CONTROL, 'push-closed') == 1 then
  return redis.error_reply('PUSH_CLOSED pushes to this queue are closed')
end
-- The same call sent again after a dropped connection (ids are made by the client): it landed already.
if redis.call('HEXISTS', JOBS, id) == 1 then
  return {'replayed', id}
end
if uid ~= '' then
  local holder = redis.call('HGET', UNIQUE, uid)
  if holder and redis.call('HEXISTS', JOBS, holder) == 1 then
    return {'duplicate', holder}
  end
end

local ran, accepted, reply = pcall(user_guard, guard_keys, guard_args)
if not ran then
  local message = accepted
  if type(message) == 'table' then
    message = message['err'] or cjson.encode(message)
  end
  message = tostring(message)
  if string.sub(message, 1, 4) == 'OOM ' then
    return redis.error_reply(message)
  end
  return redis.error_reply('GUARD_FAILED ' .. message)
end
if type(accepted) ~= 'boolean' then
  return redis.error_reply('GUARD_FAILED the guard must return true (push) or false (refuse) as its first value, '
      .. 'it returned ' .. type(accepted))
end
if not accepted then
  return {'refused', '', reply}
end
local pushed = push_one(record)
return {'pushed', pushed[1], reply}
