package io.asyncqueue.test;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @EmbeddedRedisCluster} gives the class one running cluster, injected and announced to Spring Boot. */
@EmbeddedRedisCluster(masters = 3, replicasPerMaster = 0)
class EmbeddedRedisClusterTest {

	private final RedisCluster injected;

	EmbeddedRedisClusterTest(RedisCluster cluster) {
		this.injected = cluster;
	}

	@Test
	void theClassGetsOneRunningClusterAndSpringBootIsPointedAtIt(RedisCluster cluster) {
		assertThat(cluster).isSameAs(this.injected);
		assertThat(cluster.masters()).hasSize(3);
		assertThat(cluster.replicas()).isEmpty();
		assertThat(Redis.call(cluster.masters().get(0), "CLUSTER", "INFO")).asString().contains("cluster_state:ok");
		assertThat(System.getProperty("spring.data.redis.cluster.nodes"))
			.isEqualTo(cluster.masters().get(0).host() + ":" + cluster.masters().get(0).port() + ","
					+ cluster.masters().get(1).host() + ":" + cluster.masters().get(1).port() + ","
					+ cluster.masters().get(2).host() + ":" + cluster.masters().get(2).port());
	}

	@Nested
	class Inner {

		@Test
		void nestedClassesShareIt(RedisCluster cluster) {
			assertThat(cluster).isSameAs(EmbeddedRedisClusterTest.this.injected);
		}

	}

}
