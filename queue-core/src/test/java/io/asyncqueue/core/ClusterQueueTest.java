package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** A queue on a real 3-master Redis Cluster, through a Lettuce cluster client. */
class ClusterQueueTest {

	private static RedisCluster cluster;

	private static RedisClusterClient client;

	private static RedisConnector redis;

	@BeforeAll
	static void start() {
		cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).build();
		client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
		redis = RedisConnector.of(client);
	}

	@AfterAll
	static void stop() {
		redis.close();
		client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		cluster.close();
	}

	@Test
	void queuesOnDifferentSlotsPushAndConsume() throws Exception {
		for (String name : List.of("cluster-a", "cluster-b", "cluster-c")) {
			QueueSettings settings = QueueSettings.builder(name).retryBackoff(RetryBackoff.fixed(Duration.ZERO)).build();
			JobSerializer serializer = new JobSerializer();
			QueueClient queue = new QueueClient(redis, serializer, Queues.of(settings));
			Set<String> handled = ConcurrentHashMap.newKeySet();
			QueueWorker worker = QueueWorker.builder(settings, redis)
				.serializer(serializer)
				.job("work", Integer.class, (n, context) -> handled.add(context.id()))
				.build();
			worker.start();
			try {
				List<String> pushed = queue.pushAll(name, List.of(PushRequest.of("work", 1), PushRequest.of("work", 2)))
					.stream()
					.map(PushResult::id)
					.toList();
				String single = queue.push(name, "work", 3).id();
				await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(pushed) && handled.contains(single));
			}
			finally {
				worker.stop(Duration.ofSeconds(2));
			}
		}
	}

	@Test
	void durablePushesAreRefusedWithTheReason() {
		QueueSettings settings = QueueSettings.builder("cluster-durable").replicas(1).build();
		QueueClient queue = new QueueClient(redis, new JobSerializer(), Queues.of(settings));
		assertThatExceptionOfType(QueueException.class).isThrownBy(() -> queue.push("cluster-durable", "work", 1))
			.withMessageStartingWith("Queue 'cluster-durable' has replicas=1 (durable pushes), which a Redis Cluster "
					+ "connection cannot honour yet");
	}

}
