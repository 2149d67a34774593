-- Gives back the unit an order job was pushed for, when its order can never be written (the user already
-- has one, bought through the limit queue meanwhile). Once per job, however often the job runs: a job that
-- ran it and died before its acknowledgement runs it again and must not give back a second unit.
-- KEYS[1] the stock, KEYS[2] the jobs that gave their unit back (set); ARGV[1] the job's id.
-- Returns 1 when the unit was given back now, 0 when this job had given it back already.
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('INCR', KEYS[1])
  return 1
end
return 0
