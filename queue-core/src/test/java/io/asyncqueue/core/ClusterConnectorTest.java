package io.asyncqueue.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.EmbeddedRedisCluster;
import io.asyncqueue.test.RedisCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link RedisConnector#createCluster} owns a cluster client with the engine's options, against a real cluster. */
@EmbeddedRedisCluster(replicasPerMaster = 0)
class ClusterConnectorTest {

	@Test
	void aConnectorThatOwnsItsClusterClientPushesAndConsumes(RedisCluster cluster) {
		QueueSettings settings = QueueSettings.builder("owned-cluster-client").build();
		JobSerializer serializer = new JobSerializer();
		Set<String> handled = ConcurrentHashMap.newKeySet();
		try (RedisConnector redis = RedisConnector.createCluster(cluster.uris())) {
			QueueWorker worker = QueueWorker.builder(settings, redis)
				.serializer(serializer)
				.job("work", Integer.class, (n, context) -> handled.add(context.id()))
				.build();
			worker.start();
			try {
				String id = new QueueClient(redis, serializer, Queues.of(settings)).push(settings.name(), "work", 1).id();
				await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(id));
			}
			finally {
				worker.stop(Duration.ofSeconds(2));
			}
		}
		assertThat(handled).hasSize(1);
	}

}
