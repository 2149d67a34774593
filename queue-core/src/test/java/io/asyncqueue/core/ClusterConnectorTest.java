package io.asyncqueue.core;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.EmbeddedRedisCluster;
import io.asyncqueue.test.RedisCluster;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RedisConnector#createCluster} owns a cluster client with the engine's options, against a real cluster. */
@EmbeddedRedisCluster(replicasPerMaster = 0)
class ClusterConnectorTest {

	@Test
	void aConnectorThatOwnsItsClusterClientPushesAndReads(RedisCluster cluster) {
		Queues queues = Queues.of(QueueSettings.builder("owned-a").build(), QueueSettings.builder("owned-b").build(),
				QueueSettings.builder("owned-c").build());
		JobSerializer serializer = new JobSerializer();
		try (RedisConnector redis = RedisConnector.createCluster(cluster.uris())) {
			QueueClient client = new QueueClient(redis, serializer, queues);
			QueueOperations operations = new QueueOperations(redis, serializer, queues);
			for (QueueSettings queue : queues.all()) {
				client.push(queue.name(), "work", 1);
				assertThat(operations.counts(queue.name()).waiting()).isEqualTo(1);
			}
		}
	}

}
