-- ARGV: state ('failed' or 'timeout'), offset, limit. Newest first.
-- Returns groups of (id, score, envelope or '', attempts or '0', error JSON or '').
local key = (ARGV[1] == 'timeout') and TIMEOUT or FAILED
local page = redis.call('ZREVRANGE', key, tonumber(ARGV[2]), tonumber(ARGV[2]) + tonumber(ARGV[3]) - 1, 'WITHSCORES')
local out = {}
for i = 1, #page, 2 do
  local id = page[i]
  out[#out + 1] = id
  out[#out + 1] = page[i + 1]
  out[#out + 1] = redis.call('HGET', JOBS, id) or ''
  local attempts = redis.call('HGET', ATTEMPTS, id)
  out[#out + 1] = attempts and tostring(attempt_of(attempts)) or '0'
  out[#out + 1] = redis.call('HGET', ERRORS, id) or ''
end
return out
