package io.asyncqueue.core.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Range;

import io.asyncqueue.core.redis.RedisConnector;

/**
 * Reads the consuming instances whose {@link InstanceHeartbeat heartbeat} is alive: two commands, whatever
 * the number of instances (a {@code ZRANGEBYSCORE} of the index, one {@code MGET} of their keys).
 *
 * @since 0.2.0
 */
public final class Instances {

	private final RedisConnector redis;

	/**
	 * A reader.
	 * @param redis the connector
	 */
	public Instances(RedisConnector redis) {
		this.redis = redis;
	}

	/**
	 * The live instances, by host then pid.
	 * @return the instances whose heartbeat has not expired
	 */
	public CompletableFuture<List<InstanceInfo>> live() {
		return this.redis.commands()
			.zrangebyscore(InstanceHeartbeat.INDEX, Range.create(Instant.now().toEpochMilli(), Double.POSITIVE_INFINITY))
			.toCompletableFuture()
			.thenCompose((ids) -> {
				if (ids.isEmpty()) {
					return CompletableFuture.completedFuture(List.<InstanceInfo>of());
				}
				String[] keys = ids.stream().map(InstanceHeartbeat::key).toArray(String[]::new);
				return this.redis.commands().mget(keys).toCompletableFuture().thenApply(Instances::parse);
			});
	}

	private static List<InstanceInfo> parse(List<KeyValue<String, String>> values) {
		List<InstanceInfo> instances = new ArrayList<>(values.size());
		for (KeyValue<String, String> value : values) {
			// an index entry outlives its key by up to one interval: an expired key reads as nothing
			if (value.hasValue()) {
				instances.add(InstanceHeartbeat.json.readValue(value.getValue(), InstanceInfo.class));
			}
		}
		instances.sort(Comparator.comparing(InstanceInfo::host).thenComparingLong(InstanceInfo::pid));
		return instances;
	}

}
