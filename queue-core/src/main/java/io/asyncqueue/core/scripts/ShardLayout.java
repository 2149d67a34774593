package io.asyncqueue.core.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RateLimit;
import io.lettuce.core.cluster.SlotHash;

/**
 * Where the shards of a {@linkplain QueueSettings#shards() sharded} queue live. Engine-internal, like
 * {@link QueueKeys}. Each shard is a queue of its own in Redis with its own hash tag, so every script still
 * touches one slot; the client, the worker and the operations put the shards together into one queue.
 *
 * <p>Shard 0 is the queue's channel itself, so {@code shards: 1} keeps every key a queue had before sharding, and
 * raising the shard count leaves the jobs already pushed where consumers find them. Shard 0 also holds what is
 * shared by the whole queue: recurring schedules, guard keys, and the marker idle consumers block on.
 *
 * <p>Shards 1..N-1 are {@code channel~k}, with {@code k} chosen so that each lands in a slot range of its own:
 * the 16384 slots are cut into N equal ranges, shard 0 takes the range its slot falls in, and each other range
 * gets the first free tag (k = 1, 2, …) whose slot falls in it. A cluster made by {@code redis-cli --cluster
 * create} gives each of M masters one contiguous range of 16384/M slots, so with N a multiple of M the shards land
 * evenly on every master. The choice depends on the channel and N only: every instance computes the same keys
 * without asking Redis, and a reshard moves shards (with their slots) but never renames them. After a reshard
 * that puts two shards on one master, move one of their slots back ({@code redis-cli --cluster reshard}); a
 * sharded worker logs at start which masters its shards share.
 *
 * @since 0.1.0
 */
public final class ShardLayout {

	/** The hash slots of a Redis Cluster. */
	public static final int SLOTS = 16384;

	private static final Map<String, List<String>> CHANNELS = new ConcurrentHashMap<>();

	private ShardLayout() {
	}

	/**
	 * The channel of every shard of a queue, shard 0 first.
	 * @param channel the queue's channel
	 * @param shards the shard count
	 * @return the channels; {@code [channel]} for one shard
	 */
	public static List<String> channels(String channel, int shards) {
		if (shards == 1) {
			return List.of(channel);
		}
		return CHANNELS.computeIfAbsent(channel + "\n" + shards, (key) -> place(channel, shards));
	}

	/**
	 * The settings of every shard of a queue, shard 0 first: the queue's own, with the shard's channel,
	 * {@code shards: 1} and its {@linkplain #share share} of the global concurrency and of the rate limit's max,
	 * so that each shard is an ordinary queue for {@link QueueScripts} and the shards' limits add up to the
	 * queue's.
	 * @param settings the queue
	 * @return one per shard; {@code [settings]} for an unsharded queue
	 */
	public static List<QueueSettings> shards(QueueSettings settings) {
		int count = settings.shards();
		if (count == 1) {
			return List.of(settings);
		}
		List<String> channels = channels(settings.channel(), count);
		List<QueueSettings> shards = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			QueueSettings.Builder shard = settings.toBuilder().channel(channels.get(i)).shards(1);
			if (settings.globalConcurrency() > 0) {
				shard.globalConcurrency(share(settings.globalConcurrency(), count, i));
			}
			RateLimit rate = settings.rateLimit();
			if (rate != null) {
				shard.rateLimit(RateLimit.of(share(rate.max(), count, i), rate.period()));
			}
			shards.add(shard.build());
		}
		return List.copyOf(shards);
	}

	/**
	 * A shard's share of a limit of the whole queue: the limit divided as evenly as it goes, the first
	 * {@code limit % shards} shards taking one more, so that the shares add up to the limit. Each shard's fetch
	 * enforces its share in its own slot (a Lua script touches one slot), so the queue never exceeds the limit;
	 * the price is that a shard with nothing waiting leaves its share unused.
	 * @param limit the queue's limit, at least {@code shards}
	 * @param shards the shard count
	 * @param index the shard, 0..shards-1
	 * @return the shard's share, at least 1
	 */
	public static int share(int limit, int shards, int index) {
		return limit / shards + ((index < limit % shards) ? 1 : 0);
	}

	/**
	 * The Redis Cluster hash slot of a channel's keys ({@code CLUSTER KEYSLOT {channel}:waiting}).
	 * @param channel the channel
	 * @return the slot, 0..16383
	 */
	public static int slot(String channel) {
		return SlotHash.getSlot(channel);
	}

	/**
	 * Which of {@code shards} equal ranges of the slots a slot falls in.
	 * @param slot the slot
	 * @param shards the number of ranges
	 * @return the range, 0..shards-1
	 */
	public static int range(int slot, int shards) {
		return (int) ((long) slot * shards / SLOTS);
	}

	private static List<String> place(String channel, int shards) {
		String[] byRange = new String[shards];
		int first = range(slot(channel), shards);
		byRange[first] = channel;
		int placed = 1;
		for (int k = 1; placed < shards; k++) {
			String candidate = channel + "~" + k;
			int range = range(slot(candidate), shards);
			if (byRange[range] == null) {
				byRange[range] = candidate;
				placed++;
			}
		}
		List<String> channels = new ArrayList<>(shards);
		channels.add(channel);
		for (int range = 0; range < shards; range++) {
			if (range != first) {
				channels.add(byRange[range]);
			}
		}
		return List.copyOf(channels);
	}

}
