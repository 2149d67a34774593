package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.redis.RedisConnector;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;

/**
 * Marks in Redis the outbox rows whose jobs were pushed, from the push until their rows are deleted. A
 * row the relay could not delete (the database failed, or the relay died) is then recognised and not
 * pushed again, even after its job has run and its id is free in the queue.
 */
final class RelayMarkers {

	/** Longest a mark is kept: a row not deleted within it may be pushed a second time. */
	private static final Duration TIME_TO_LIVE = Duration.ofDays(7);

	private final RedisConnector redis;

	private final String prefix;

	RelayMarkers(RedisConnector redis, String prefix) {
		this.redis = redis;
		this.prefix = prefix;
	}

	/** The ids among these that are marked as pushed. */
	Set<String> pushed(List<String> ids) {
		List<KeyValue<String, String>> values = await(this.redis.commands().mget(keys(ids)));
		Set<String> pushed = new HashSet<>();
		for (int i = 0; i < ids.size(); i++) {
			if (values.get(i).hasValue()) {
				pushed.add(ids.get(i));
			}
		}
		return pushed;
	}

	void mark(List<String> ids) {
		List<RedisFuture<String>> replies = new ArrayList<>(ids.size());
		for (String key : keys(ids)) {
			replies.add(this.redis.commands().set(key, "1", SetArgs.Builder.px(TIME_TO_LIVE.toMillis())));
		}
		replies.forEach(RelayMarkers::await);
	}

	void clear(List<String> ids) {
		if (!ids.isEmpty()) {
			await(this.redis.commands().del(keys(ids)));
		}
	}

	private String[] keys(List<String> ids) {
		return ids.stream().map((id) -> this.prefix + id).toArray(String[]::new);
	}

	private static <T> T await(RedisFuture<T> reply) {
		return LettuceFutures.awaitOrCancel(reply, RedisConnector.DEFAULT_COMMAND_TIMEOUT.toMillis(),
				TimeUnit.MILLISECONDS);
	}

}
