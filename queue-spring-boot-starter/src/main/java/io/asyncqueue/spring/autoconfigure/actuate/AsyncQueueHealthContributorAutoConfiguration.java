package io.asyncqueue.spring.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.actuate.AsyncQueueHealthIndicator;
import io.asyncqueue.spring.actuate.AsyncQueueHealthIndicator.Thresholds;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link AsyncQueueHealthIndicator asyncQueue} health indicator, unless
 * {@code management.health.asyncqueue.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = AsyncQueueAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(QueueOperations.class)
@ConditionalOnEnabledHealthIndicator("asyncqueue")
@EnableConfigurationProperties(AsyncQueueHealthIndicatorProperties.class)
public final class AsyncQueueHealthContributorAutoConfiguration {

	static final String PREFIX = "management.health.asyncqueue";

	@Bean
	@ConditionalOnMissingBean(name = "asyncQueueHealthIndicator")
	AsyncQueueHealthIndicator asyncQueueHealthIndicator(QueueOperations operations,
			AsyncQueueHealthIndicatorProperties properties, ObjectProvider<QueueContainerRegistry> containers) {
		Thresholds defaults = new Thresholds(properties.getMaxFailed(), properties.getMaxWaitingAge());
		Map<String, Thresholds> queues = new LinkedHashMap<>();
		properties.getQueues().forEach((name, queue) -> {
			if (!operations.queues().contains(name)) {
				throw new AsyncQueueConfigurationException(PREFIX + ".queues." + name,
						"Health thresholds are set for queue '" + name + "', which is not declared. Declared queues: "
								+ operations.queues().all().stream().map((settings) -> settings.name()).toList() + ".",
						"Remove " + PREFIX + ".queues." + name + ", or declare the queue under async-queue.queues."
								+ name + ".");
			}
			queues.put(name,
					new Thresholds((queue.getMaxFailed() != null) ? queue.getMaxFailed() : defaults.maxFailed(),
							(queue.getMaxWaitingAge() != null) ? queue.getMaxWaitingAge() : defaults.maxWaitingAge()));
		});
		String status = properties.getThresholdStatus().trim().toUpperCase(Locale.ROOT).replace('-', '_');
		return new AsyncQueueHealthIndicator(operations, defaults, queues, new Status(status), containers.getIfUnique());
	}

}
