-- ARGV: source ('failed' or 'timeout'), id ('' for the oldest ones), limit, offset (with no id: how many of
-- the oldest to pass over, the ones earlier calls left parked).
-- Moves jobs back to waiting (a grouped job to the tail of its group's line) with fresh attempts; a job whose
-- unique id another live job holds stays parked (two live jobs must never share one).
-- Returns { moved, {id, uniqueId, holder, ...} left parked, how many ids were looked at }.
-- The ZREM comes first: a full Redis (maxmemory, noeviction) refuses a script whose first write may grow it.
local source = (ARGV[1] == 'timeout') and TIMEOUT or FAILED
local ids
if ARGV[2] ~= '' then
  ids = {}
  if redis.call('ZSCORE', source, ARGV[2]) then ids[1] = ARGV[2] end
else
  local offset = tonumber(ARGV[4] or '0')
  ids = redis.call('ZRANGE', source, offset, offset + tonumber(ARGV[3]) - 1)
end
local moved, skipped = 0, {}
for _, id in ipairs(ids) do
  local envelope = redis.call('HGET', JOBS, id)
  local uid = envelope and unique_id_of(envelope)
  local holder = uid and redis.call('HGET', UNIQUE, uid)
  if holder and holder ~= id and redis.call('HEXISTS', JOBS, holder) == 1 then
    skipped[#skipped + 1] = id
    skipped[#skipped + 1] = uid
    skipped[#skipped + 1] = holder
  else
    redis.call('ZREM', source, id)
    if envelope then
      redis.call('HDEL', ATTEMPTS, id)
      redis.call('HDEL', STALLS, id)
      redis.call('HDEL', ERRORS, id)
      if uid then
        redis.call('HSET', UNIQUE, uid, id)
      end
      requeue(id, envelope, false)
      moved = moved + 1
    end
  end
end
if moved > 0 then
  signal()
end
return { moved, skipped, #ids }
