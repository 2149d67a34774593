package io.asyncqueue.sample;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.asyncqueue.test.RedisServer;

/**
 * Once the environment is complete (application.yml, profiles, environment variables, command line), checks
 * whether any Redis is configured; if none is, starts a throw-away redis-server of queue-test and sets
 * {@code spring.data.redis.host} and {@code port} to it.
 *
 * <p>The server belongs to the application context: it is the first bean registered and so the last one
 * destroyed, after the queue's consumers and every Redis client have stopped (not by a JVM shutdown hook,
 * which would run at the same time as the application's shutdown and leave its clients reconnecting to a
 * server that is gone). Its data is deleted with it.
 */
class EmbeddedRedisWhenUnconfigured implements SpringApplicationRunListener {

	/** Any of these means a Redis is configured. */
	private static final List<String> REDIS_PROPERTIES = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.port", "spring.data.redis.sentinel.master", "spring.data.redis.sentinel.nodes",
			"spring.data.redis.cluster.nodes", "spring.data.redis.masterreplica.nodes");

	/** The bean that holds the throw-away server. */
	static final String BEAN_NAME = "throwAwayRedisServer";

	private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisWhenUnconfigured.class);

	private RedisServer redis;

	@Override
	public void environmentPrepared(ConfigurableBootstrapContext bootstrapContext,
			ConfigurableEnvironment environment) {
		for (String property : REDIS_PROPERTIES) {
			if (environment.containsProperty(property)) {
				log.info("Redis is configured ({}); not starting a throw-away redis-server", property);
				return;
			}
		}
		this.redis = RedisServer.builder().closeAtJvmExit(false).build();
		log.info("No spring.data.redis.* configured: started {} for this run", this.redis.description());
		environment.getPropertySources()
			.addFirst(new MapPropertySource("embeddedRedis",
					Map.of("spring.data.redis.host", this.redis.host(), "spring.data.redis.port", this.redis.port(),
							RedisInUse.EMBEDDED_PROPERTY,
							"a throw-away redis-server started because no spring.data.redis.* is configured")));
	}

	@Override
	public void contextPrepared(ConfigurableApplicationContext context) {
		if (this.redis == null) {
			return;
		}
		RedisServer server = this.redis;
		DisposableBean closer = () -> {
			log.info("Stopping the throw-away {}", server.description());
			server.close();
		};
		DefaultSingletonBeanRegistry beans = (DefaultSingletonBeanRegistry) context.getBeanFactory();
		beans.registerSingleton(BEAN_NAME, server);
		beans.registerDisposableBean(BEAN_NAME, closer);
	}

	@Override
	public void failed(ConfigurableApplicationContext context, Throwable exception) {
		if (this.redis != null && (context == null || !context.isActive())) {
			this.redis.close();
		}
	}

	/** The server this listener started, or {@code null}. */
	RedisServer server() {
		return this.redis;
	}

}
