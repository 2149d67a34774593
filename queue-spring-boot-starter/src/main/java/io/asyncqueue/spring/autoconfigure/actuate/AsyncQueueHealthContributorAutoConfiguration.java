package io.asyncqueue.spring.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.actuate.AsyncQueueHealthIndicator;
import io.asyncqueue.spring.actuate.AsyncQueueHealthIndicator.Thresholds;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
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
			AsyncQueueHealthIndicatorProperties properties, ObjectProvider<QueueContainerRegistry> containers,
			Environment environment) {
		checkThresholds(PREFIX, properties.getMaxFailed(), properties.getMaxWaitingAge());
		properties.getQueues()
			.forEach((name, queue) -> checkThresholds(PREFIX + ".queues." + name, queue.getMaxFailed(),
					queue.getMaxWaitingAge()));
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
		// a status the health aggregation does not know is left out of it: the application would stay UP
		List<String> known = new ArrayList<>(List.of("DOWN", "OUT_OF_SERVICE", "UP", "UNKNOWN"));
		Binder.get(environment)
			.bind("management.endpoint.health.status.order", Bindable.listOf(String.class))
			.ifBound((order) -> order.forEach((name) -> known.add(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'))));
		if (!known.contains(status)) {
			throw new AsyncQueueConfigurationException(PREFIX + ".threshold-status",
					PREFIX + ".threshold-status is '" + properties.getThresholdStatus() + "', which the health "
							+ "aggregation does not know: a queue past a threshold would leave the application UP.",
					"Use DOWN (the default) or OUT_OF_SERVICE, or add the status to "
							+ "management.endpoint.health.status.order.");
		}
		return new AsyncQueueHealthIndicator(operations, defaults, queues, new Status(status), containers.getIfUnique());
	}

	private static void checkThresholds(String prefix, @Nullable Long maxFailed, @Nullable Duration maxWaitingAge) {
		if (maxFailed != null && maxFailed < 0) {
			throw new AsyncQueueConfigurationException(prefix + ".max-failed",
					prefix + ".max-failed must be zero or more, was " + maxFailed + ".",
					"Set " + prefix + ".max-failed to the most failed jobs the queue may hold and stay UP, or remove it.");
		}
		if (maxWaitingAge != null && (maxWaitingAge.isNegative() || maxWaitingAge.isZero())) {
			throw new AsyncQueueConfigurationException(prefix + ".max-waiting-age",
					prefix + ".max-waiting-age must be positive, was " + maxWaitingAge + ".",
					"Set " + prefix + ".max-waiting-age to how long the oldest waiting job may wait, such as 5m, or "
							+ "remove it.");
		}
	}

}
