package io.asyncqueue.core.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.KeyValue;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.scripts.ShardLayout;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * Reads the per-minute history the settle script keeps for each queue, so that charts cover every instance
 * and survive restarts.
 *
 * <p>The script writes, in the queue's hash slot, one hash per queue and hour of Redis's clock,
 * {@code {channel}:history:<epoch hour>}, with the fields {@code <minute of hour>:p}, {@code :f} and
 * {@code :r} (processed, failed, retried in that minute) and the hour's totals {@code p}, {@code f} and
 * {@code r}. Each hash expires {@link #RETENTION} after its first write, so a queue holds at most 26 of
 * them whatever its traffic: at most 183 small fields each.
 *
 * <p>Reading the last hour costs two {@code HGETALL}s; the last day 24 {@code HMGET}s; all sent without
 * waiting for each other.
 *
 * @since 0.2.0
 */
public final class QueueHistory {

	/** How long an hour's counters live after their first write: the settle script's {@code EXPIRE}. */
	public static final Duration RETENTION = Duration.ofHours(25);

	private static final long MINUTE_MILLIS = 60_000;

	private static final String[] KINDS = { "p", "f", "r" };

	private final RedisConnector redis;

	private final Queues queues;

	/**
	 * The history of the given queues.
	 * @param redis the connector
	 * @param queues the queues
	 */
	public QueueHistory(RedisConnector redis, Queues queues) {
		this.redis = redis;
		this.queues = queues;
	}

	/**
	 * The current minute by Redis's clock, the clock the settle script counts by.
	 * @return minutes since the epoch
	 */
	public CompletableFuture<Long> currentMinute() {
		return this.redis.commands()
			.time()
			.toCompletableFuture()
			.thenApply((time) -> Long.parseLong(time.get(0)) / 60);
	}

	/**
	 * One point per minute for the 60 minutes ending with the given one, oldest first.
	 * @param queue the queue
	 * @param minute the last minute, in minutes since the epoch
	 * @return 60 points
	 */
	public CompletableFuture<List<HistoryPoint>> lastHour(String queue, long minute) {
		long hour = minute / 60;
		CompletableFuture<Map<String, String>> previous = hash(queue, hour - 1);
		CompletableFuture<Map<String, String>> current = hash(queue, hour);
		return previous.thenCombine(current, (before, now) -> {
			List<HistoryPoint> points = new ArrayList<>(60);
			for (long m = minute - 59; m <= minute; m++) {
				Map<String, String> fields = (m / 60 == hour) ? now : before;
				String prefix = (m % 60) + ":";
				points.add(new HistoryPoint(Instant.ofEpochMilli(m * MINUTE_MILLIS), count(fields.get(prefix + "p")),
						count(fields.get(prefix + "f")), count(fields.get(prefix + "r"))));
			}
			return points;
		});
	}

	/**
	 * One point per hour for the 24 hours ending with the hour of the given minute (itself still counting),
	 * oldest first.
	 * @param queue the queue
	 * @param minute the current minute, in minutes since the epoch
	 * @return 24 points
	 */
	public CompletableFuture<List<HistoryPoint>> lastDay(String queue, long minute) {
		long last = minute / 60;
		List<CompletableFuture<HistoryPoint>> hours = new ArrayList<>(24);
		for (long hour = last - 23; hour <= last; hour++) {
			Instant start = Instant.ofEpochMilli(hour * 60 * MINUTE_MILLIS);
			long at = hour;
			List<CompletableFuture<List<KeyValue<String, String>>>> shards = channels(queue).stream()
				.map((channel) -> this.redis.commands().hmget(keyOf(channel, at), KINDS).toCompletableFuture())
				.toList();
			hours.add(CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply((read) -> {
				long[] totals = new long[KINDS.length];
				for (CompletableFuture<List<KeyValue<String, String>>> shard : shards) {
					for (int kind = 0; kind < KINDS.length; kind++) {
						totals[kind] += count(shard.join(), kind);
					}
				}
				return new HistoryPoint(start, totals[0], totals[1], totals[2]);
			}));
		}
		return CompletableFuture.allOf(hours.toArray(CompletableFuture[]::new))
			.thenApply((done) -> hours.stream().map(CompletableFuture::join).toList());
	}

	/** An hour's counters, summed over the shards of a sharded queue. */
	private CompletableFuture<Map<String, String>> hash(String queue, long hour) {
		List<CompletableFuture<Map<String, String>>> shards = channels(queue).stream()
			.map((channel) -> this.redis.commands().hgetall(keyOf(channel, hour)).toCompletableFuture())
			.toList();
		if (shards.size() == 1) {
			return shards.get(0);
		}
		return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply((read) -> {
			Map<String, String> sum = new HashMap<>();
			for (CompletableFuture<Map<String, String>> shard : shards) {
				shard.join().forEach((field, value) -> sum.merge(field, value,
						(a, b) -> Long.toString(Long.parseLong(a) + Long.parseLong(b))));
			}
			return sum;
		});
	}

	private List<String> channels(String queue) {
		QueueSettings settings = this.queues.get(queue);
		return ShardLayout.channels(settings.channel(), settings.shards());
	}

	/**
	 * The key of one hour of a channel's history.
	 * @param channel the queue's channel
	 * @param hour hours since the epoch
	 * @return the key
	 */
	static String keyOf(String channel, long hour) {
		return "{" + channel + "}:history:" + hour;
	}

	private static long count(List<KeyValue<String, String>> values, int index) {
		KeyValue<String, String> value = values.get(index);
		return value.hasValue() ? Long.parseLong(value.getValue()) : 0;
	}

	private static long count(String value) {
		return (value != null) ? Long.parseLong(value) : 0;
	}

}
