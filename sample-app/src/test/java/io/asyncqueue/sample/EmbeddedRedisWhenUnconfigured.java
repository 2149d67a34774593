package io.asyncqueue.sample;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.asyncqueue.test.RedisServer;
import io.asyncqueue.test.RedisServerExtension;

/**
 * Once the environment is complete (application.yml, profiles, environment variables, command line), checks
 * whether any Redis is configured; if none is, starts the JVM-wide throw-away redis-server of queue-test and
 * sets {@code spring.data.redis.host} and {@code port} to it. The server is stopped and its data deleted when
 * the JVM exits.
 */
class EmbeddedRedisWhenUnconfigured implements SpringApplicationRunListener {

	/** Any of these means a Redis is configured. */
	private static final List<String> REDIS_PROPERTIES = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.sentinel.master", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.cluster.nodes", "spring.data.redis.masterreplica.nodes");

	private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisWhenUnconfigured.class);

	@Override
	public void environmentPrepared(ConfigurableBootstrapContext bootstrapContext,
			ConfigurableEnvironment environment) {
		for (String property : REDIS_PROPERTIES) {
			if (environment.containsProperty(property)) {
				log.info("Redis is configured ({}); not starting an embedded redis-server", property);
				return;
			}
		}
		RedisServer redis = RedisServerExtension.sharedServer();
		log.info("No spring.data.redis.* configured: started {} for this run", redis.description());
		environment.getPropertySources()
			.addFirst(new MapPropertySource("embeddedRedis",
					Map.of("spring.data.redis.host", redis.host(), "spring.data.redis.port", redis.port(),
							RedisInUse.EMBEDDED_PROPERTY,
							"a throw-away redis-server started because no spring.data.redis.* is configured")));
	}

}
