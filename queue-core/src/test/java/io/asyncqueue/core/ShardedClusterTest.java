package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.ShardLayout;
import io.asyncqueue.core.scripts.ShardPlacement;
import io.asyncqueue.core.scripts.ShardPlacement.Placement;
import io.asyncqueue.test.EmbeddedRedisCluster;
import io.asyncqueue.test.RedisCluster;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A sharded queue on a real 3-master Redis Cluster: one queue, one shard per master. */
@EmbeddedRedisCluster(replicasPerMaster = 0)
class ShardedClusterTest {

	private static RedisCluster cluster;

	private static RedisClusterClient client;

	private static RedisConnector redis;

	private final JobSerializer serializer = new JobSerializer();

	@BeforeAll
	static void connect(RedisCluster redisCluster) {
		cluster = redisCluster;
		client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
		client.setOptions(RedisConnector.defaultClusterClientOptions());
		redis = RedisConnector.of(client);
	}

	@AfterAll
	static void disconnect() {
		redis.close();
		client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
	}

	@Test
	void eachShardLandsOnAMasterOfItsOwn() {
		for (String name : List.of("orders", "emails", "invoices", "thumbnails", "webhooks")) {
			QueueSettings settings = QueueSettings.builder(name).shards(3).build();
			QueueClient queue = new QueueClient(redis, this.serializer, Queues.of(settings));
			for (int i = 0; i < 30; i++) {
				queue.push(name, "work", i, PushOptions.delay(Duration.ofHours(1)));
			}
			Set<Set<String>> byMaster = new HashSet<>();
			for (RedisServer master : cluster.masters()) {
				byMaster.add(shardsHeldBy(master, settings));
			}
			assertThat(byMaster).as(name).containsExactlyInAnyOrder(Set.of(settings.channel()),
					Set.of(ShardLayout.channels(settings.channel(), 3).get(1)),
					Set.of(ShardLayout.channels(settings.channel(), 3).get(2)));
		}
	}

	@Test
	void thePlacementAWorkerLogsNamesEachShardsMaster() {
		QueueSettings settings = QueueSettings.builder("placed").shards(3).build();
		Placement placement = ShardPlacement.masters(redis, settings).join();
		assertThat(placement.clusterMasters()).isEqualTo(3);
		assertThat(placement.masters().keySet()).containsExactlyElementsOf(ShardLayout.channels(settings.channel(), 3));
		assertThat(new HashSet<>(placement.masters().values())).hasSize(3);
		assertThat(placement.isCrowded()).isFalse();
		assertThat(new Placement(Map.of("a", "m1", "b", "m1", "c", "m2"), 3).isCrowded()).isTrue();
		assertThat(new Placement(Map.of("a", "m1", "b", "m2", "c", "m1"), 2).isCrowded()).isFalse();
	}

	@Test
	void oneWorkerConsumesEveryShardAndOperationsActOnTheWholeQueue() throws Exception {
		QueueSettings settings = QueueSettings.builder("cluster-sharded").shards(3).consumers(1).build();
		QueueClient queue = new QueueClient(redis, this.serializer, Queues.of(settings));
		QueueOperations operations = new QueueOperations(redis, this.serializer, Queues.of(settings));
		assertThat(operations.pause("cluster-sharded")).isTrue();
		List<PushRequest> batch = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			batch.add(new PushRequest("work", i, PushOptions.unique("u-" + i)));
		}
		List<String> pushed = queue.pushAll("cluster-sharded", batch).stream().map(PushResult::id).toList();
		assertThat(queue.pushAll("cluster-sharded", batch)).allSatisfy((again) -> assertThat(again.created()).isFalse());
		assertThat(operations.counts("cluster-sharded").waiting()).isEqualTo(30);
		Set<String> handled = ConcurrentHashMap.newKeySet();
		QueueWorker worker = QueueWorker.builder(settings, redis)
			.serializer(this.serializer)
			.job("work", Integer.class, (n, context) -> handled.add(context.id()))
			.build();
		worker.start();
		try {
			Thread.sleep(500);
			assertThat(handled).isEmpty();
			assertThat(operations.resume("cluster-sharded")).isTrue();
			await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(pushed));
			for (int i = 0; i < 9; i++) {
				queue.push("cluster-sharded", "work", i, PushOptions.delay(Duration.ofHours(1)));
			}
			assertThat(operations.counts("cluster-sharded").delayed()).isEqualTo(9);
			assertThat(operations.flush("cluster-sharded", JobState.DELAYED)).isEqualTo(9);
			assertThat(operations.counts("cluster-sharded").delayed()).isZero();
		}
		finally {
			worker.stop(Duration.ofSeconds(2));
		}
	}

	/** The shards of the queue with keys on this master, read from the master itself. */
	private static Set<String> shardsHeldBy(RedisServer master, QueueSettings settings) {
		RedisClient direct = RedisClient.create(master.uri());
		try (StatefulRedisConnection<String, String> connection = direct.connect()) {
			Set<String> held = new HashSet<>();
			for (String key : connection.sync().keys("{" + settings.channel() + "*")) {
				held.add(key.substring(1, key.indexOf('}')));
			}
			return held;
		}
		finally {
			direct.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
