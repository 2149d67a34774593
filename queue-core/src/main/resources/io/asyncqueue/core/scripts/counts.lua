-- Returns the size of every state in one consistent snapshot.
return {
  redis.call('LLEN', WAITING), redis.call('ZCARD', DELAYED), redis.call('ZCARD', RESERVED),
  redis.call('ZCARD', FAILED), redis.call('ZCARD', TIMEOUT)
}
