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
else
  local key = ({ delayed = DELAYED, reserved = RESERVED, failed = FAILED, timeout = TIMEOUT })[state]
  ids = redis.call('ZRANGE', key, 0, limit - 1)
  if #ids > 0 then
    redis.call('ZREM', key, unpack(ids))
  end
end
for _, id in ipairs(ids) do
  local envelope = redis.call('HGET', JOBS, id)
  if envelope then
    forget(id, unique_id_of(envelope))
  end
end
return #ids
