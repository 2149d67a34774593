package io.asyncqueue.spring.autoconfigure;

import java.util.Map;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link UnknownPropertyCheck}: a misspelt key under {@code async-queue.*} stops startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertyCheckTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class))
		.withPropertyValues("async-queue.consumer.enabled=false");

	@Test
	void misspeltQueueSettingNamesTheNearestOne() {
		assertUnknown(this.runner.withPropertyValues("async-queue.queues.orders.concurency=3"),
				"Unknown property async-queue.queues.orders.concurency: 'concurency' is not a setting of queue 'orders'; "
						+ "did you mean 'concurrency'?",
				"Rename it to async-queue.queues.orders.concurrency, or remove it.");
	}

	@Test
	void misspeltTopLevelAndNestedKeysAreRefused() {
		assertUnknown(this.runner.withPropertyValues("async-queue.queue-lenght-interval=1s"),
				"'queue-lenght-interval' is not a setting of async-queue; did you mean 'queue-length-interval'?",
				"Rename it to async-queue.queue-length-interval");
		assertUnknown(this.runner.withPropertyValues("async-queue.defaults.exponential-backoff.initail=1s"),
				"'initail' is not a setting of async-queue.defaults.exponential-backoff; did you mean 'initial'?",
				"Rename it to async-queue.defaults.exponential-backoff.initial");
		assertUnknown(this.runner.withPropertyValues("async-queue.queues.orders.exponential-backoff.maximum=1m"),
				"did you mean 'max'?", "Rename it to async-queue.queues.orders.exponential-backoff.max");
		assertUnknown(this.runner.withPropertyValues("async-queue.defaults.colour=blue"),
				"'colour' is not a setting of async-queue.defaults.", "Remove it");
	}

	@Test
	void theTransactionSupportsKeysAreKnownAndTheirMisspellingsAreNot() {
		this.runner.withPropertyValues("async-queue.transaction-mode=immediate", "async-queue.outbox.relay-interval=2s",
				"ASYNC_QUEUE_OUTBOX_BATCH_SIZE=50")
			.run((context) -> assertThat(context).hasNotFailed());
		assertUnknown(this.runner.withPropertyValues("async-queue.transaction-mod=immediate"),
				"'transaction-mod' is not a setting of async-queue; did you mean 'transaction-mode'?",
				"Rename it to async-queue.transaction-mode");
		assertUnknown(this.runner.withPropertyValues("async-queue.outbox.relay-intervall=2s"),
				"'relay-intervall' is not a setting of async-queue.outbox; did you mean 'relay-interval'?",
				"Rename it to async-queue.outbox.relay-interval");
	}

	@Test
	void theHealthIndicatorsKeysAreCheckedTooButBootsOwnSwitch() {
		this.runner.withPropertyValues("management.health.asyncqueue.enabled=true",
				"management.health.asyncqueue.max-failed=3", "management.health.asyncqueue.queues.orders.max-failed=1")
			.run((context) -> assertThat(context).hasNotFailed());
		assertUnknown(this.runner.withPropertyValues("management.health.asyncqueue.max-faild=3"),
				"'max-faild' is not a setting of management.health.asyncqueue; did you mean 'max-failed'?",
				"Rename it to management.health.asyncqueue.max-failed");
		assertUnknown(this.runner.withPropertyValues("management.health.asyncqueue.queues.orders.max-waiting-ag=1m"),
				"'max-waiting-ag' is not a setting of queue 'orders'; did you mean 'max-waiting-age'?",
				"Rename it to management.health.asyncqueue.queues.orders.max-waiting-age");
	}

	@Test
	void misspeltKeysAreRefusedWhenTheApplicationDeclaresItsOwnQueues() {
		assertUnknown(this.runner.withBean(Queues.class, () -> Queues.of(QueueSettings.builder("orders").build()))
			.withPropertyValues("async-queue.consumer.heartbeat-intervall=5s"),
				"'heartbeat-intervall' is not a setting of async-queue.consumer; did you mean 'heartbeat-interval'?",
				"Rename it to async-queue.consumer.heartbeat-interval");
	}

	@Test
	void relaxedFormsOfRealKeysAreAccepted() {
		this.runner
			.withPropertyValues("async-queue.queues.orders.CONCURRENCY=3", "async-queue.queues.bulk.con-currency=4",
					"async-queue.queues.reports.maxAttempts=2", "async-queue.queues.reports.retry_backoff=1s",
					"async-queue.defaults.exponential-backoff.initial=1s", "async-queue.queues.mail.retry-backoff[0]=2s",
					"async-queue.queues.mail.retry-backoff[1]=3s", "async-queue.queueLengthInterval=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Queues queues = context.getBean(Queues.class);
				assertThat(queues.get("orders").concurrency()).isEqualTo(3);
				assertThat(queues.get("bulk").concurrency()).isEqualTo(4);
				assertThat(queues.get("reports").maxAttempts()).isEqualTo(2);
			});
	}

	@Test
	void environmentVariablesAreCheckedToo() {
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("ASYNCQUEUE_QUEUES_ORDERS_CONCURRENCY", "3", "ASYNCQUEUE_DEFAULTS_MAXATTEMPTS", "4"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Queues.class).get("orders").concurrency()).isEqualTo(3);
				assertThat(context.getBean(Queues.class).get("orders").maxAttempts()).isEqualTo(4);
			});
		assertUnknown(this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("ASYNCQUEUE_QUEUES_ORDERS_CONCURENCY", "3")))),
				"Unknown property async-queue.queues.orders.concurency: 'concurency' is not a setting of queue 'orders'; "
						+ "did you mean 'concurrency'?",
				"Rename it to async-queue.queues.orders.concurrency");
	}

	@Test
	void failureAnalysisSaysWhereTheKeyWasSet(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--async-queue.queues.orders.concurency=3",
				"--async-queue.consumer.enabled=false"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Unknown property async-queue.queues.orders.concurency: 'concurency' is not a setting of queue "
					+ "'orders'; did you mean 'concurrency'?")
			.contains("Property: async-queue.queues.orders.concurency")
			.contains("Value: \"3\"")
			.contains("Origin: \"async-queue.queues.orders.concurency\" from property source \"commandLineArgs\"")
			.contains("Rename it to async-queue.queues.orders.concurrency, or remove it.");
	}

	private static void assertUnknown(ApplicationContextRunner runner, String description, String action) {
		runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new AsyncQueueFailureAnalyzer(null)
				.analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
