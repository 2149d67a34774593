-- ARGV: switch ('paused' or 'push-closed'), on ('1' or '0'). Returns 1 if the switch changed.
-- Resuming signals the marker so that idle consumers of every instance look again at once.
local changed
if ARGV[2] == '1' then
  changed = redis.call('HSET', CONTROL, ARGV[1], '1')
else
  changed = redis.call('HDEL', CONTROL, ARGV[1])
  if ARGV[1] == 'paused' then
    signal()
  end
end
return changed
