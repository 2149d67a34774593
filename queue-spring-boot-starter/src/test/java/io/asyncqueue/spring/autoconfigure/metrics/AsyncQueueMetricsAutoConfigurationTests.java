package io.asyncqueue.spring.autoconfigure.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.metrics.ConsumerMetrics;
import io.asyncqueue.spring.metrics.QueueDepthMetrics;
import io.asyncqueue.spring.metrics.QueueMetricsObserver;
import io.asyncqueue.test.EmbeddedRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncQueueMetricsAutoConfiguration}.
 */
@EmbeddedRedis
class AsyncQueueMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				MetricsAutoConfiguration.class, AsyncQueueAutoConfiguration.class,
				AsyncQueueMetricsAutoConfiguration.class))
		.withPropertyValues("async-queue.queue-length-interval=0");

	@Test
	void registersJobMetersAndDepthGaugesWithAMeterRegistry() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(QueueMetricsObserver.class).hasSingleBean(QueueDepthMetrics.class);
			assertThat(context.getBeansOfType(QueueObserver.class)).containsValue(context.getBean(QueueMetricsObserver.class));
			assertThat(context.getBean(MeterRegistry.class).find(QueueDepthMetrics.QUEUE_JOBS).tag("queue", "default")
				.gauges()).hasSize(5);
		});
	}

	@Test
	void aProducerOnlyAppHasNoConsumerGauges() {
		this.runner.withBean(SimpleMeterRegistry.class).withPropertyValues("async-queue.consumer.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(ConsumerMetrics.class);
				assertThat(context.getBean(MeterRegistry.class).find(ConsumerMetrics.ACTIVE).gauges()).isEmpty();
				assertThat(context.getBean(MeterRegistry.class).find(ConsumerMetrics.PREFETCH).gauges()).isEmpty();
			});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(QueueMetricsObserver.class)
			.doesNotHaveBean(QueueDepthMetrics.class));
	}

	@Test
	void isSkippedWhenMicrometerIsNotOnClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(QueueMetricsObserver.class));
	}

	@Test
	void backsOffWhenUserDefinesTheListener() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withBean("myListener", QueueMetricsObserver.class, () -> new QueueMetricsObserver(new SimpleMeterRegistry(), false))
			.run((context) -> assertThat(context).hasSingleBean(QueueMetricsObserver.class).hasBean("myListener"));
	}

	@Test
	void histogramsAreOptIn() {
		this.runner.withBean(HistogramRecordingRegistry.class).run((context) -> {
			assertThat(record(context.getBean(QueueMetricsObserver.class), context.getBean(HistogramRecordingRegistry.class)))
				.isFalse();
		});
		this.runner.withBean(HistogramRecordingRegistry.class)
			.withPropertyValues("async-queue.metrics.histogram=true")
			.run((context) -> {
				assertThat(record(context.getBean(QueueMetricsObserver.class),
						context.getBean(HistogramRecordingRegistry.class)))
					.isTrue();
			});
	}

	private static boolean record(QueueMetricsObserver listener, HistogramRecordingRegistry registry) {
		JobInfo job = new JobInfo("default", "1", "job", 1, 3, Instant.now(), Map.of());
		listener.beforeHandle(job);
		listener.afterHandle(job, JobOutcome.SUCCEEDED, Duration.ofMillis(5), null);
		assertThat(registry.histograms).containsKeys(QueueMetricsObserver.DURATION, QueueMetricsObserver.WAIT);
		return registry.histograms.get(QueueMetricsObserver.DURATION) && registry.histograms.get(QueueMetricsObserver.WAIT);
	}

	/** Remembers whether each timer was configured with a percentile histogram. */
	static class HistogramRecordingRegistry extends SimpleMeterRegistry {

		final Map<String, Boolean> histograms = new java.util.concurrent.ConcurrentHashMap<>();

		HistogramRecordingRegistry() {
			config().meterFilter(new MeterFilter() {

				@Override
				public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
					if (config.isPercentileHistogram() != null) {
						HistogramRecordingRegistry.this.histograms.merge(id.getName(), config.isPercentileHistogram(),
								Boolean::logicalOr);
					}
					return config;
				}

			});
		}

	}

}
