package io.asyncqueue.core.scripts;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.InvalidQueueSettingException;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ShardLayoutTest {

	@Test
	void oneShardIsTheQueuesOwnChannelAndSettings() {
		QueueSettings settings = QueueSettings.defaults("orders");
		assertThat(ShardLayout.channels("async-queue:orders", 1)).containsExactly("async-queue:orders");
		assertThat(ShardLayout.shards(settings)).containsExactly(settings);
	}

	@Test
	void shardZeroKeepsTheChannelAndEveryShardHasASlotRangeOfItsOwn() {
		for (String name : List.of("orders", "emails", "a", "very-long-queue-name.with:parts")) {
			for (int shards = 2; shards <= 64; shards++) {
				List<String> channels = ShardLayout.channels("async-queue:" + name, shards);
				assertThat(channels).hasSize(shards).doesNotHaveDuplicates().first().isEqualTo("async-queue:" + name);
				Set<Integer> ranges = new HashSet<>();
				for (String channel : channels) {
					ranges.add(ShardLayout.range(ShardLayout.slot(channel), shards));
				}
				assertThat(ranges).as(name + " in " + shards).hasSize(shards);
			}
		}
	}

	@Test
	void noOtherQueueMayUseTheChannelOfAShard() {
		QueueSettings sharded = QueueSettings.builder("orders").shards(3).build();
		String shard2 = ShardLayout.channels("async-queue:orders", 3).get(2);
		QueueSettings clash = QueueSettings.builder("other").channel(shard2).build();
		assertThatExceptionOfType(InvalidQueueSettingException.class).isThrownBy(() -> Queues.of(sharded, clash))
			.withMessage("Queue 'other': channel must differ from queue 'orders''s channel '" + shard2 + "'");
	}

	@Test
	void shardSettingsDifferOnlyInTheirChannel() {
		QueueSettings settings = QueueSettings.builder("orders").shards(3).concurrency(7).build();
		List<QueueSettings> shards = ShardLayout.shards(settings);
		assertThat(shards).extracting(QueueSettings::channel)
			.containsExactlyElementsOf(ShardLayout.channels("async-queue:orders", 3));
		assertThat(shards).allSatisfy((shard) -> {
			assertThat(shard.name()).isEqualTo("orders");
			assertThat(shard.concurrency()).isEqualTo(7);
			assertThat(shard.shards()).isEqualTo(1);
		});
		assertThat(ShardLayout.slot("async-queue:orders")).isEqualTo(io.lettuce.core.cluster.SlotHash
			.getSlot("{async-queue:orders}:waiting"));
	}

}
