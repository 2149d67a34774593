package io.asyncqueue.test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JUnit 5 extension behind {@link EmbeddedRedisSentinel @EmbeddedRedisSentinel}: one
 * {@link RedisSentinelSetup} per annotated test class, {@link RedisSentinelSetup} parameters resolved to it,
 * and {@code spring.data.redis.sentinel.master} / {@code .nodes} set while the class runs.
 *
 * @since 0.2.0
 */
public final class RedisSentinelExtension extends ClassScopedSetupExtension<EmbeddedRedisSentinel, RedisSentinelSetup> {

	/** Creates the extension; JUnit does this. */
	public RedisSentinelExtension() {
		super(EmbeddedRedisSentinel.class, RedisSentinelSetup.class);
	}

	@Override
	RedisSentinelSetup start(EmbeddedRedisSentinel settings) {
		return RedisSentinelSetup.builder()
			.masterName(settings.masterName())
			.replicas(settings.replicas())
			.sentinels(settings.sentinels(), settings.quorum())
			.downAfter(Duration.ofMillis(settings.downAfterMillis()))
			.build();
	}

	@Override
	Map<String, String> springProperties(RedisSentinelSetup setup) {
		return Map.of("spring.data.redis.sentinel.master", setup.masterName(), "spring.data.redis.sentinel.nodes",
				setup.sentinels().stream().map((node) -> node.host() + ":" + node.port()).collect(Collectors.joining(",")));
	}

}
