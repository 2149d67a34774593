package io.asyncqueue.spring.autoconfigure.actuate;

import java.util.Map;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.actuate.AsyncQueueHealthIndicator;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.lettuce.core.AclCategory;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncQueueHealthContributorAutoConfiguration}, against a real Redis.
 */
@EmbeddedRedis
class AsyncQueueHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class, AsyncQueueHealthContributorAutoConfiguration.class))
		.withPropertyValues("async-queue.queue-length-interval=0", "async-queue.consumer.enabled=false",
				"async-queue.queues.orders.channel=health:orders");

	@Test
	void reportsEveryQueueWhenRedisAnswers() {
		this.runner.run((context) -> {
			Health health = context.getBean(AsyncQueueHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(queue(health, "orders")).containsEntry("status", "UP")
				.containsEntry("paused", false)
				.containsEntry("pushesClosed", false)
				.containsKeys("waiting", "delayed", "reserved", "failed", "timeout");
		});
	}

	@Test
	void isDownWhenRedisIsUnreachable() {
		this.runner.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.connect-timeout=200ms")
			.run((context) -> {
				Health health = context.getBean(AsyncQueueHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("error");
			});
	}

	@Test
	void oldestWaitingJobPastItsAgeTurnsItDown() {
		this.runner.withPropertyValues("async-queue.queues.orders.channel=health:aging",
				"management.health.asyncqueue.max-waiting-age=200ms").run((context) -> {
					context.getBean(QueueOperations.class).flush("orders", io.asyncqueue.core.JobState.WAITING);
					context.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("old", 1));
					AsyncQueueHealthIndicator indicator = context.getBean(AsyncQueueHealthIndicator.class);
					assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
					await().untilAsserted(() -> {
						Health health = indicator.health(true);
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat(queue(health, "orders")).containsEntry("status", "DOWN").containsKey("oldestWaitingSeconds");
						assertThat(queue(health, "orders").get("problems").toString())
							.contains("the oldest waiting job has waited");
					});
				});
	}

	@Test
	void aQueueWhoseConsumerCannotFetchTurnsItDownAndSaysWhy(RedisServer redis) {
		// a user that may read but not write: counts answer, every fetch is refused, as at maxmemory
		RedisClient admin = RedisClient.create(redis.uri());
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			connection.sync().aclSetuser("health-read-only", AclSetuserArgs.Builder.on()
				.addPassword("pw")
				.allKeys()
				.allChannels()
				.allCommands()
				.removeCategory(AclCategory.WRITE));
		}
		finally {
			admin.shutdown();
		}
		this.runner.withBean(Recorder.class)
			.withBean(CreateOrderJob.class)
			.withPropertyValues("async-queue.consumer.enabled=true", "async-queue.queues.orders.channel=health:refused",
					"spring.data.redis.username=health-read-only", "spring.data.redis.password=pw",
					"management.health.asyncqueue.threshold-status=out-of-service")
			.run((context) -> {
				AsyncQueueHealthIndicator indicator = context.getBean(AsyncQueueHealthIndicator.class);
				await().untilAsserted(() -> {
					Health health = indicator.health(true);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(queue(health, "orders")).containsEntry("status", "DOWN");
					assertThat(queue(health, "orders").get("consumptionProblem")).asString()
						.contains("can't run this command");
				});
				context.getBean(QueueContainerRegistry.class).stop();
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("management.health.asyncqueue.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AsyncQueueHealthIndicator.class));
	}

	@Test
	void isSkippedWhenSpringBootHealthIsNotOnClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncQueueHealthIndicator.class));
	}

	@Test
	void thresholdsOfAnUndeclaredQueueStopTheApplication() {
		this.runner.withPropertyValues("management.health.asyncqueue.queues.nowhere.max-failed=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(AsyncQueueConfigurationException.class)
				.hasMessageContaining("queue 'nowhere', which is not declared"));
	}

	@Test
	void aThresholdStatusTheHealthAggregationDoesNotKnowStopsTheApplication() {
		this.runner.withPropertyValues("management.health.asyncqueue.threshold-status=OUT_OF_SERIVCE")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(AsyncQueueConfigurationException.class)
				.hasMessageContaining("management.health.asyncqueue.threshold-status is 'OUT_OF_SERIVCE'"));
		this.runner.withPropertyValues("management.health.asyncqueue.threshold-status=degraded",
				"management.endpoint.health.status.order=down,degraded,up")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(AsyncQueueHealthIndicator.class));
	}

	@Test
	void negativeThresholdsStopTheApplication() {
		this.runner.withPropertyValues("management.health.asyncqueue.max-failed=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("management.health.asyncqueue.max-failed must be zero or more, was -1"));
		this.runner.withPropertyValues("management.health.asyncqueue.queues.orders.max-waiting-age=-5m")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("management.health.asyncqueue.queues.orders.max-waiting-age must be positive"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> queue(Health health, String name) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("queues")).get(name);
	}

}
