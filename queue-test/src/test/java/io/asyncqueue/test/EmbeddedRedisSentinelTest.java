package io.asyncqueue.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @EmbeddedRedisSentinel} gives the class one running Sentinel set-up, injected and announced to Spring
 * Boot.
 */
@EmbeddedRedisSentinel(masterName = "orders", sentinels = 1, quorum = 1)
class EmbeddedRedisSentinelTest {

	@Test
	void theClassGetsOneRunningSetUpAndSpringBootIsPointedAtIt(RedisSentinelSetup sentinel) {
		assertThat(sentinel.masterName()).isEqualTo("orders");
		assertThat(sentinel.servers()).hasSize(2);
		assertThat(sentinel.master()).isSameAs(sentinel.servers().get(0));
		assertThat(System.getProperty("spring.data.redis.sentinel.master")).isEqualTo("orders");
		RedisServer only = sentinel.sentinels().get(0);
		assertThat(System.getProperty("spring.data.redis.sentinel.nodes")).isEqualTo(only.host() + ":" + only.port());
	}

}
