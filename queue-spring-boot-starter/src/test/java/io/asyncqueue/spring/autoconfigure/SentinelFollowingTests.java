package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.stream.Collectors;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisSentinelSetup;
import io.asyncqueue.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's own Lettuce client follows a Sentinel failover: it leaves the old master when the Sentinels
 * announce the new one, not when the old master is demoted seconds later.
 */
class SentinelFollowingTests {

	private static final String CLIENT_NAME = "starter-under-test";

	private static RedisSentinelSetup sentinel;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class));

	@BeforeAll
	static void startSentinel() {
		sentinel = RedisSentinelSetup.builder().build();
	}

	@AfterAll
	static void stopSentinel() {
		sentinel.close();
	}

	@Test
	void followsTheMasterTheSentinelsAnnounce() {
		String nodes = sentinel.sentinels().stream().map((s) -> s.host() + ":" + s.port()).collect(Collectors.joining(","));
		this.runner
			.withPropertyValues("spring.data.redis.sentinel.master=" + sentinel.masterName(),
					"spring.data.redis.sentinel.nodes=" + nodes, "spring.data.redis.client-name=" + CLIENT_NAME)
			.run((context) -> {
				RedisConnector connector = context.getBean(RedisConnector.class);
				connector.commands().set("before", "1").get();
				RedisServer old = sentinel.master();
				assertThat(connectionsOf(old)).isPositive();
				RedisServer promoted = sentinel.failover();
				await().atMost(Duration.ofSeconds(2)).until(() -> connectionsOf(old) == 0);
				connector.commands().set("after", "1").get();
				assertThat(valueOn(promoted, "after")).isEqualTo("1");
			});
	}

	private static long connectionsOf(RedisServer server) {
		RedisClient client = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().clientList().lines().filter((line) -> line.contains(" name=" + CLIENT_NAME + " ")).count();
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	private static String valueOn(RedisServer server, String key) {
		RedisClient client = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().get(key);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
