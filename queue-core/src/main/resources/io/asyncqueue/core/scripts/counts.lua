-- Returns the size of every state in one consistent snapshot; prioritised jobs waiting are waiting.
return {
  redis.call('LLEN', WAITING) + redis.call('ZCARD', PRIORITIZED), redis.call('ZCARD', DELAYED), redis.call('ZCARD', RESERVED),
  redis.call('ZCARD', FAILED), redis.call('ZCARD', TIMEOUT)
}
