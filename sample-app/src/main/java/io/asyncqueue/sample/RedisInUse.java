package io.asyncqueue.sample;

import java.util.Properties;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Says in the log which Redis the application uses, and where that came from.
 */
@Component
class RedisInUse {

	/** Set by the test-scope TestSampleApplication when it started a throw-away redis-server. */
	static final String EMBEDDED_PROPERTY = "sample.redis.embedded";

	private static final Logger log = LoggerFactory.getLogger(RedisInUse.class);

	private final DataRedisConnectionDetails details;

	private final RedisConnectionFactory connectionFactory;

	private final Environment environment;

	RedisInUse(DataRedisConnectionDetails details, RedisConnectionFactory connectionFactory, Environment environment) {
		this.details = details;
		this.connectionFactory = connectionFactory;
		this.environment = environment;
	}

	@EventListener(ApplicationStartedEvent.class)
	void log() {
		String where = describe();
		String embedded = this.environment.getProperty(EMBEDDED_PROPERTY);
		String origin = (embedded != null) ? embedded : "spring.data.redis.*";
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Properties info = connection.serverCommands().info("server");
			String version = (info != null) ? info.getProperty("redis_version") : "?";
			log.info("Using Redis {} at {} (from {})", version, where, origin);
		}
		catch (RuntimeException ex) {
			log.warn("Redis at {} (from {}) does not answer: {}", where, origin, ex.toString());
		}
	}

	private String describe() {
		if (this.details.getCluster() != null) {
			return "cluster " + this.details.getCluster()
				.getNodes()
				.stream()
				.map((node) -> node.host() + ":" + node.port())
				.collect(Collectors.joining(","));
		}
		if (this.details.getSentinel() != null) {
			return "sentinel master '" + this.details.getSentinel().getMaster() + "'";
		}
		DataRedisConnectionDetails.Standalone standalone = this.details.getStandalone();
		return (standalone != null) ? standalone.getHost() + ":" + standalone.getPort() : "?";
	}

}
