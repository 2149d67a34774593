package io.asyncqueue.test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JUnit 5 extension behind {@link EmbeddedRedisCluster @EmbeddedRedisCluster}: one {@link RedisCluster} per
 * annotated test class, {@link RedisCluster} parameters resolved to it, and
 * {@code spring.data.redis.cluster.nodes} set while the class runs.
 *
 * @since 0.2.0
 */
public final class RedisClusterExtension extends ClassScopedSetupExtension<EmbeddedRedisCluster, RedisCluster> {

	/** Creates the extension; JUnit does this. */
	public RedisClusterExtension() {
		super(EmbeddedRedisCluster.class, RedisCluster.class);
	}

	@Override
	RedisCluster start(EmbeddedRedisCluster settings) {
		return RedisCluster.builder()
			.masters(settings.masters())
			.replicasPerMaster(settings.replicasPerMaster())
			.nodeTimeout(Duration.ofMillis(settings.nodeTimeoutMillis()))
			.build();
	}

	@Override
	Map<String, String> springProperties(RedisCluster cluster) {
		return Map.of("spring.data.redis.cluster.nodes",
				cluster.nodes().stream().map((node) -> node.host() + ":" + node.port()).collect(Collectors.joining(",")));
	}

}
