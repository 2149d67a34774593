package io.asyncqueue.test;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One of two classes checking that @EmbeddedRedis classes share one server per JVM. */
@EmbeddedRedis
class EmbeddedRedisSharedFirstTest {

	private static RedisServer beforeAllServer;
	private final RedisServer constructorServer;
	private RedisServer beforeEachServer;

	EmbeddedRedisSharedFirstTest(RedisServer server) {
		this.constructorServer = server;
	}

	@BeforeAll
	static void beforeAll(RedisServer server) {
		beforeAllServer = server;
	}

	@BeforeEach
	void beforeEach(RedisServer server) {
		beforeEachServer = server;
	}

	@Test
	void injectsTheSharedServerEverywhere(RedisServer server) {
		assertThat(server).isSameAs(RedisServerExtension.sharedServer())
				.isSameAs(constructorServer).isSameAs(beforeAllServer).isSameAs(beforeEachServer);
		assertThat(server.isRunning()).isTrue();
		SharedServerWitness.assertSameAsOtherClasses(server);
	}

	@Test
	void setsTheSpringBootProperties(RedisServer server) {
		assertThat(System.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
		assertThat(System.getProperty("spring.data.redis.port")).isEqualTo(String.valueOf(server.port()));
	}

	@Test
	void talksToTheServer(RedisServer server) {
		String key = "shared:First";  // the shared server is not flushed: tests use distinct keys
		assertThat(Redis.call(server, "SET", key, "First")).isEqualTo("OK");
		assertThat(Redis.call(server, "GET", key)).isEqualTo("First");
	}
}
