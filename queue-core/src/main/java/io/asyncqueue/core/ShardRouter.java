package io.asyncqueue.core;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * Which shard of a sharded queue a push goes to. A push that names its job (group key, unique id or job id)
 * always goes to the same shard, so that the shard's push script sees every push of that name: a group's jobs stay
 * in one shard, where its order and group concurrency are kept, and unique ids and job ids stay deduplicated
 * (unless pushes of one id name different groups). Other pushes go round-robin.
 */
final class ShardRouter {

	private final int shards;

	private final AtomicInteger next = new AtomicInteger();

	ShardRouter(int shards) {
		this.shards = shards;
	}

	/** The shard of one push: CRC32 of its routing key's UTF-8 bytes modulo the shard count, else the next one. */
	int shardOf(PushOptions options) {
		if (this.shards == 1) {
			return 0;
		}
		String key = routingKey(options);
		if (key == null) {
			return Math.floorMod(this.next.getAndIncrement(), this.shards);
		}
		CRC32 crc = new CRC32();
		crc.update(key.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % this.shards);
	}

	/** What pins a push to a shard: its group first (order within a group), then its unique id, then its job id. */
	static String routingKey(PushOptions options) {
		if (options.group() != null) {
			return "g:" + options.group();
		}
		if (options.uniqueId() != null) {
			return "u:" + options.uniqueId();
		}
		return (options.jobId() != null) ? "i:" + options.jobId() : null;
	}

}
