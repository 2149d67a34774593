package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;

import io.asyncqueue.core.monitor.InstanceInfo;
import io.asyncqueue.core.monitor.InstanceInfo.QueueLoad;
import io.asyncqueue.core.monitor.Instances;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.TestJobs;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consuming application keeps a heartbeat for dashboards while its containers run.
 */
@EmbeddedRedis
class InstanceHeartbeatTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class))
		.withBean(TestJobs.Recorder.class)
		.withBean(TestJobs.CreateOrderJob.class)
		.withPropertyValues("async-queue.queues.orders.concurrency=3", "async-queue.consumer.heartbeat-interval=200ms");

	@Test
	void aConsumingApplicationIsListedWhileItRunsAndNotOnceStopped() {
		String[] id = new String[1];
		this.runner.run((context) -> {
			id[0] = context.getBean(InstanceHeartbeatLifecycle.class).id();
			Instances instances = new Instances(context.getBean(RedisConnector.class));
			InstanceInfo instance = await().atMost(Duration.ofSeconds(10))
				.until(() -> find(instances, id[0]), (found) -> found != null);
			assertThat(instance.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(instance.queues()).extracting(QueueLoad::queue).containsExactly("orders");
			assertThat(instance.queues().get(0).concurrency()).isEqualTo(3);
		});
		try (RedisConnector redis = RedisConnector.create("redis://" + System.getProperty("spring.data.redis.host")
				+ ":" + System.getProperty("spring.data.redis.port"))) {
			assertThat(find(new Instances(redis), id[0])).isNull();
		}
	}

	@Test
	void anApplicationWithoutJobsIsNoInstance() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					AsyncQueueAutoConfiguration.class))
			.withPropertyValues("async-queue.consumer.heartbeat-interval=100ms")
			.run((context) -> {
				Thread.sleep(500);
				assertThat(find(new Instances(context.getBean(RedisConnector.class)),
						context.getBean(InstanceHeartbeatLifecycle.class).id())).isNull();
			});
	}

	@Test
	void aHeartbeatIntervalThatIsNotPositiveFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("async-queue.consumer.heartbeat-interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(AsyncQueueConfigurationException.class)
				.hasMessageContaining("async-queue.consumer.heartbeat-interval");
		});
	}

	/** Other applications of this test JVM may be beating too: this one's instance, by its id. */
	private static InstanceInfo find(Instances instances, String id) {
		return instances.live().join().stream().filter((instance) -> instance.id().equals(id)).findFirst().orElse(null);
	}

}
