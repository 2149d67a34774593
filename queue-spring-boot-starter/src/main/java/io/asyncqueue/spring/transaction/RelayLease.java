package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.redis.RedisConnector;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.ScriptOutputType;

/**
 * The short Redis lease that makes one instance the outbox's relay: taken when free (SET NX PX),
 * renewed by its holder on every round, given up on stop. Taking and renewing are one script, so that a
 * holder whose lease expired and was taken by another cannot renew it.
 */
final class RelayLease {

	private static final String ACQUIRE = """
			local holder = redis.call('GET', KEYS[1])
			if holder == ARGV[1] then
			  redis.call('PEXPIRE', KEYS[1], ARGV[2])
			  return 1
			end
			if not holder then
			  redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
			  return 1
			end
			return 0
			""";

	private static final String RELEASE = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""";

	private final RedisConnector redis;

	private final String key;

	private final String token = UUID.randomUUID().toString();

	private final Duration duration;

	RelayLease(RedisConnector redis, String key, Duration duration) {
		this.redis = redis;
		this.key = key;
		this.duration = duration;
	}

	/** Take the lease, or renew it when this instance holds it; {@code false} when another does. */
	boolean acquire() {
		Long held = run(ACQUIRE, Long.toString(this.duration.toMillis()));
		return held != null && held == 1L;
	}

	void release() {
		run(RELEASE);
	}

	private Long run(String script, String... args) {
		String[] values = new String[args.length + 1];
		values[0] = this.token;
		System.arraycopy(args, 0, values, 1, args.length);
		return LettuceFutures.awaitOrCancel(
				this.redis.commands().<Long>eval(script, ScriptOutputType.INTEGER, new String[] { this.key }, values),
				RedisConnector.DEFAULT_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

}
