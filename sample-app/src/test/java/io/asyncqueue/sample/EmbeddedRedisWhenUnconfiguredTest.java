package io.asyncqueue.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.asyncqueue.test.RedisServerExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zero-setup entry point starts a Redis only when none is configured.
 */
class EmbeddedRedisWhenUnconfiguredTest {

	@Test
	void aConfiguredRedisWins() {
		for (String property : new String[] { "spring.data.redis.url", "spring.data.redis.host",
				"spring.data.redis.cluster.nodes" }) {
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources()
				.addLast(new MapPropertySource("application", Map.of(property, "redis://redis.example:6379")));
			new EmbeddedRedisWhenUnconfigured().environmentPrepared(null, environment);
			assertThat(environment.getPropertySources().contains("embeddedRedis")).as(property).isFalse();
		}
	}

	@Test
	void withoutAConfiguredRedisTheThrowAwayServerIsUsed() {
		StandardEnvironment environment = new StandardEnvironment();
		// @EmbeddedRedis classes of this JVM may have set spring.data.redis.* as system properties
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		new EmbeddedRedisWhenUnconfigured().environmentPrepared(null, environment);
		assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
		assertThat(environment.getProperty("spring.data.redis.port", Integer.class))
			.isEqualTo(RedisServerExtension.sharedServer().port());
	}

}
