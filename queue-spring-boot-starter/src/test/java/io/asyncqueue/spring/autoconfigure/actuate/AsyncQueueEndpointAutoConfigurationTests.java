package io.asyncqueue.spring.autoconfigure.actuate;

import io.asyncqueue.spring.actuate.AsyncQueueEndpoint;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
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
