package io.asyncqueue.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zero-setup entry point starts a Redis only when none is configured, and stops it after the application.
 */
class EmbeddedRedisWhenUnconfiguredTest {

	@Test
	void aConfiguredRedisWins() {
		for (String property : new String[] { "spring.data.redis.url", "spring.data.redis.host",
				"spring.data.redis.cluster.nodes" }) {
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources()
				.addLast(new MapPropertySource("application", Map.of(property, "redis://redis.example:6379")));
			EmbeddedRedisWhenUnconfigured listener = new EmbeddedRedisWhenUnconfigured();
			listener.environmentPrepared(null, environment);
			assertThat(environment.getPropertySources().contains("embeddedRedis")).as(property).isFalse();
			assertThat(listener.server()).isNull();
		}
	}

	@Test
	void withoutAConfiguredRedisAThrowAwayServerIsUsedAndOutlivesEveryBeanOfTheApplication() {
		StandardEnvironment environment = new StandardEnvironment();
		// @EmbeddedRedis classes of this JVM may have set spring.data.redis.* as system properties
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		EmbeddedRedisWhenUnconfigured listener = new EmbeddedRedisWhenUnconfigured();
		listener.environmentPrepared(null, environment);
		RedisServer server = listener.server();
		assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
		assertThat(environment.getProperty("spring.data.redis.port", Integer.class)).isEqualTo(server.port());

		GenericApplicationContext context = new GenericApplicationContext();
		listener.contextPrepared(context);
		List<Boolean> redisRunningWhenAClientStopped = new ArrayList<>();
		// stands for the queue's and Spring Data's Redis clients, registered after the server as in an application
		context.registerBean("redisClient", DisposableBean.class,
				() -> () -> redisRunningWhenAClientStopped.add(server.isRunning()));
		context.refresh();
		assertThat(server.isRunning()).isTrue();
		context.close();
		assertThat(redisRunningWhenAClientStopped).containsExactly(true);
		assertThat(server.isRunning()).isFalse();
	}

}
