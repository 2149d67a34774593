package io.asyncqueue.core.scripts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * Which master serves each shard of a queue now, read from {@code CLUSTER SLOTS}. Engine-internal: a sharded
 * worker logs it at start, so that an operator sees shards that a reshard put on one master.
 *
 * @since 0.1.0
 */
public final class ShardPlacement {

	private ShardPlacement() {
	}

	/**
	 * Where a queue's shards are.
	 * @param masters the {@code host:port} of the master serving each shard's slot, by channel, shard 0 first;
	 * empty when Redis is not a cluster (or refuses {@code CLUSTER SLOTS})
	 * @param clusterMasters how many masters serve slots in the cluster
	 */
	public record Placement(Map<String, String> masters, int clusterMasters) {

		/** Whether two shards share a master while another master serves none of them. */
		public boolean isCrowded() {
			long used = this.masters.values().stream().distinct().count();
			return !this.masters.isEmpty() && used < Math.min(this.masters.size(), this.clusterMasters);
		}

	}

	/**
	 * Each shard's channel and the master serving its slot.
	 * @param redis the connector
	 * @param settings the queue
	 * @return the placement
	 */
	public static CompletableFuture<Placement> masters(RedisConnector redis, QueueSettings settings) {
		List<String> channels = ShardLayout.channels(settings.channel(), settings.shards());
		CompletableFuture<List<Object>> slots;
		try {
			slots = redis.commands().clusterSlots().toCompletableFuture();
		}
		catch (RuntimeException ex) {
			slots = CompletableFuture.failedFuture(ex);
		}
		return slots.handle((ranges, failure) -> {
			Map<String, String> masters = new LinkedHashMap<>();
			if (failure != null) {
				return new Placement(masters, 0);
			}
			for (String channel : channels) {
				masters.put(channel, masterOf(ranges, ShardLayout.slot(channel)));
			}
			int clusterMasters = (int) ranges.stream().map((range) -> master((List<?>) range)).distinct().count();
			return new Placement(masters, clusterMasters);
		});
	}

	/** A {@code CLUSTER SLOTS} entry is {@code [first, last, [host, port, id, …], replicas…]}. */
	private static String masterOf(List<Object> ranges, int slot) {
		for (Object entry : ranges) {
			List<?> range = (List<?>) entry;
			if (((Number) range.get(0)).intValue() <= slot && slot <= ((Number) range.get(1)).intValue()) {
				return master(range);
			}
		}
		return "unserved";
	}

	private static String master(List<?> range) {
		List<?> master = (List<?>) range.get(2);
		return master.get(0) + ":" + master.get(1);
	}

}
