package io.asyncqueue.spring.autoconfigure.metrics;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.autoconfigure.AsyncQueueProperties;
import io.asyncqueue.spring.metrics.ConsumerMetrics;
import io.asyncqueue.spring.metrics.QueueDepthMetrics;
import io.asyncqueue.spring.metrics.QueueMetricsObserver;
import io.asyncqueue.spring.metrics.ScheduleMetrics;
import io.asyncqueue.spring.schedule.RecurringJobScheduler;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * async-queue's Micrometer metrics: job counters and timers recorded by every consumer, and queue depth
 * gauges, and this instance's consumers' gauges. See {@link QueueMetricsObserver}, {@link QueueDepthMetrics} and
 * {@link ConsumerMetrics} for the meters.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = AsyncQueueAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, QueueOperations.class })
@EnableConfigurationProperties(AsyncQueueProperties.class)
public final class AsyncQueueMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QueueMetricsObserver asyncQueueMetricsListener(MeterRegistry meterRegistry, AsyncQueueProperties properties) {
		return new QueueMetricsObserver(meterRegistry, properties.getMetrics().isHistogram());
	}

	@Bean
	@ConditionalOnMissingBean
	QueueDepthMetrics asyncQueueDepthMetrics(QueueOperations operations, AsyncQueueProperties properties) {
		return new QueueDepthMetrics(operations, properties.getMetrics().getQueueDepthInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	ConsumerMetrics asyncQueueConsumerMetrics(QueueOperations operations,
			ObjectProvider<QueueContainerRegistry> containers) {
		return new ConsumerMetrics(operations.queues(), containers.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	ScheduleMetrics asyncQueueScheduleMetrics(ObjectProvider<RecurringJobScheduler> scheduler) {
		RecurringJobScheduler recurring = scheduler.getIfUnique();
		return new ScheduleMetrics((recurring != null) ? recurring.getScheduler() : null);
	}

}
