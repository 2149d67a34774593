package io.asyncqueue.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** A server of the class's own, which the tests may stop and restart. */
@EmbeddedRedis(isolated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedRedisIsolatedTest {

	private static int firstPort;

	@Test
	@Order(1)
	void getsItsOwnServerAndMayStopIt(RedisServer server) {
		assertThat(server).isNotSameAs(RedisServerExtension.sharedServer());
		assertThat(System.getProperty("spring.data.redis.port")).isEqualTo(String.valueOf(server.port()));
		firstPort = server.port();

		server.stop(); // simulate an outage and leave it down

		assertThat(server.isRunning()).isFalse();
		assertThat(Redis.acceptsConnections(server)).isFalse();
	}

	@Test
	@Order(2)
	void aServerLeftStoppedIsStartedAgainOnTheSamePortBeforeTheNextTest(RedisServer server) {
		assertThat(server.isRunning()).isTrue();
		assertThat(server.port()).isEqualTo(firstPort);
		assertThat(Redis.call(server, "PING")).isEqualTo("PONG");
	}

	@Nested
	class NestedClass {

		@Test
		void usesTheEnclosingClassServer(RedisServer server) {
			assertThat(server).isNotSameAs(RedisServerExtension.sharedServer());
			assertThat(server.port()).isEqualTo(firstPort);
		}
	}

	@Nested
	@EmbeddedRedis(isolated = true)
	class NestedClassWithItsOwnServer {

		@Test
		void getsAnotherServer(RedisServer server) {
			assertThat(server).isNotSameAs(RedisServerExtension.sharedServer());
			assertThat(server.port()).isNotEqualTo(firstPort);
			assertThat(System.getProperty("spring.data.redis.port")).isEqualTo(String.valueOf(server.port()));
		}
	}
}
