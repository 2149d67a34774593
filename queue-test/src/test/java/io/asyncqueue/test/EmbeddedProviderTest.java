package io.asyncqueue.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The redis-server bundled in the embedded-redis artifact, for machines without one on the PATH. */
class EmbeddedProviderTest {

	@BeforeEach
	void bundledBinaryRunsHere() {
		try {
			Binaries.version(Binaries.embedded().path);
		} catch (IllegalStateException e) {
			// Not a silent pass: the report shows these tests as skipped, with the reason.
			Assumptions.abort("The redis-server bundled in embedded-redis cannot run on this machine ("
					+ System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): " + e.getMessage());
		}
	}

	@AfterEach
	void clearSettings() {
		System.clearProperty(RedisServerProvider.PROVIDER_PROPERTY);
	}

	@Test
	void theEmbeddedProviderRunsTheBundledRedis62() {
		try (RedisServer redis = RedisServer.builder().provider(RedisServerProvider.EMBEDDED).build()) {
			assertThat(redis.provider()).isEqualTo(RedisServerProvider.EMBEDDED);
			assertThat(redis.version()).startsWith("6.2");
			assertThat(redis.description()).contains("bundled in embedded-redis").contains("redis-server 6.2");
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");

			redis.stop();
			assertThat(Redis.acceptsConnections(redis)).isFalse();
			redis.startAgain();
			assertThat(Redis.call(redis, "PING")).isEqualTo("PONG");
		}
	}

	@Test
	void theEmbeddedProviderKeepsAppendOnlyDataAcrossRestart() {
		try (RedisServer redis = RedisServer.builder().provider(RedisServerProvider.EMBEDDED).appendOnly(true).build()) {
			Redis.call(redis, "SET", "embedded:aof", "kept");
			redis.restart();
			assertThat(Redis.call(redis, "GET", "embedded:aof")).isEqualTo("kept");
		}
	}

	@Test
	void theEmbeddedProviderCanBeForcedWithTheSystemProperty() {
		System.setProperty(RedisServerProvider.PROVIDER_PROPERTY, "embedded");
		try (RedisServer redis = RedisServer.start()) {
			assertThat(redis.provider()).isEqualTo(RedisServerProvider.EMBEDDED);
			assertThat(redis.version()).startsWith("6.2");
		}
	}
}
