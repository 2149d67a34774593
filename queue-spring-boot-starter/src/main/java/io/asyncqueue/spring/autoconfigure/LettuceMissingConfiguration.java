package io.asyncqueue.spring.autoconfigure;

import io.asyncqueue.spring.AsyncQueueConfigurationException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Configuration;

/**
 * Fails the startup with a clear message when the Lettuce client is not on the classpath (for example
 * when it was excluded in favour of Jedis): the engine needs Lettuce.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingClass("io.lettuce.core.RedisClient")
class LettuceMissingConfiguration {

	LettuceMissingConfiguration() {
		throw new AsyncQueueConfigurationException(null,
				"async-queue needs the Lettuce Redis client (io.lettuce:lettuce-core), which is not on the classpath. "
						+ "Jedis is not supported: the engine relies on Lettuce's pipelined, non-blocking connections.",
				"Add io.lettuce:lettuce-core to your dependencies (Spring Data Redis can keep using Jedis with "
						+ "spring.data.redis.client-type=jedis), or set async-queue.enabled=false.");
	}

}
