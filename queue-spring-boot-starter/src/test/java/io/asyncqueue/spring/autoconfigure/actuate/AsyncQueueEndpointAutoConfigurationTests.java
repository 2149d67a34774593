package io.asyncqueue.spring.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import io.asyncqueue.spring.TestJobs.AlwaysFailsJob;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint.JobDescriptor;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint.QueueDescriptor;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncQueueEndpointAutoConfiguration}.
 */
@EmbeddedRedis
class AsyncQueueEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class, AsyncQueueEndpointAutoConfiguration.class))
		.withPropertyValues("async-queue.queue-length-interval=0", "async-queue.consumer.enabled=false");

	@Test
	void endpointIsCreatedWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=asyncqueue")
			.run((context) -> assertThat(context).hasSingleBean(AsyncQueueEndpoint.class));
	}

	@Test
	void eachConsumedJobShowsTheSettingsItRunsWith() {
		this.runner.withBean(Recorder.class)
			.withBean(AlwaysFailsJob.class)
			.withBean(CreateOrderJob.class)
			.withPropertyValues("management.endpoints.web.exposure.include=asyncqueue", "async-queue.consumer.enabled=true",
					"async-queue.queues.orders.channel=endpoint:orders", "async-queue.queues.flaky.channel=endpoint:flaky",
					"async-queue.queues.flaky.max-attempts=5", "async-queue.queues.flaky.handle-timeout=7s",
					"async-queue.queues.flaky.retry-backoff=1s")
			.run((context) -> {
				Map<String, QueueDescriptor> queues = context.getBean(AsyncQueueEndpoint.class).queues().queues();
				QueueDescriptor flaky = queues.get("flaky");
				assertThat(flaky.settings().maxAttempts()).isEqualTo(5);
				assertThat(flaky.consumer().jobs()).containsOnlyKeys("AlwaysFailsJob");
				assertThat(flaky.consumer().jobs().get("AlwaysFailsJob")).isEqualTo(new JobDescriptor(
						AlwaysFailsJob.class.getName(), 3, "7s", "[50ms, 100ms]", List.of("maxAttempts", "retryBackoff")));
				assertThat(queues.get("orders").consumer().jobs().get("CreateOrderJob"))
					.isEqualTo(new JobDescriptor(CreateOrderJob.class.getName(), 3, "10s", "5s", List.of()));
			});
	}

	@Test
	void endpointIsNotCreatedUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(AsyncQueueEndpoint.class));
	}

	@Test
	void endpointIsNotCreatedWhenItsAccessIsNone() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=asyncqueue",
					"management.endpoint.asyncqueue.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(AsyncQueueEndpoint.class));
	}

	@Test
	void isSkippedWhenTheActuatorIsNotOnClasspath() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=asyncqueue")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncQueueEndpoint.class));
	}

}
