-- Returns the size of every state in one consistent snapshot; prioritised and grouped jobs waiting are waiting.
return {
  redis.call('LLEN', WAITING) + redis.call('ZCARD', PRIORITIZED)
    + tonumber(redis.call('HGET', CONTROL, 'group-waiting') or 0),
  redis.call('ZCARD', DELAYED), redis.call('ZCARD', RESERVED), redis.call('ZCARD', FAILED), redis.call('ZCARD', TIMEOUT)
}
