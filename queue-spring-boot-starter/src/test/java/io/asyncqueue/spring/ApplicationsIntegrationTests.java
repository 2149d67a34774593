package io.asyncqueue.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.EventRecorder;
import io.asyncqueue.spring.TestJobs.Handled;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.TestJobs.SleepJob;
import io.asyncqueue.spring.event.AfterHandleEvent;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Whole applications against a real Redis: a producer-only application next to a consumer, a
 * graceful shutdown under load, Redis settings taken from {@code spring.data.redis.*}.
 */
@EmbeddedRedis
class ApplicationsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void producerOnlyApplicationPushesToConsumerApplication() {
		try (ConfigurableApplicationContext consumer = run(ConsumerApp.class, "async-queue.queues.orders.channel=apps:orders");
				ConfigurableApplicationContext producer = run(ProducerApp.class, "async-queue.consumer.enabled=false",
						"async-queue.queues.orders.channel=apps:orders")) {
			assertThat(producer.getBeansOfType(QueueContainerRegistry.class)).isEmpty();
			assertThat(producer.getBeansOfType(Job.class)).isEmpty();
			PushResult result = producer.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("p1", 7));
			Recorder recorder = consumer.getBean(Recorder.class);
			await().atMost(WAIT).until(() -> recorder.handled.stream().anyMatch((h) -> h.jobId().equals(result.id())));
			assertThat(recorder.handled).filteredOn((h) -> h.jobId().equals(result.id()))
				.extracting(Handled::payload)
				.containsExactly(new CreateOrder("p1", 7));
		}
	}

	@Test
	void gracefulShutdownUnderLoadLosesNoJob() {
		String[] properties = { "async-queue.queues.slow.channel=apps:slow", "async-queue.queues.slow.concurrency=4",
				"async-queue.queues.slow.shutdown-timeout=300ms" };
		List<Long> payloads = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			payloads.add((i % 10 == 9) ? 5_000L : 40L);
		}
		Set<String> ids;
		Set<String> handled = new HashSet<>();
		List<AfterHandleEvent> released;
		try (ConfigurableApplicationContext first = run(SlowApp.class, properties)) {
			ids = first.getBean(QueueTemplate.class)
				.pushAll(SleepJob.class, payloads)
				.stream()
				.map(PushResult::id)
				.collect(Collectors.toSet());
			Recorder recorder = first.getBean(Recorder.class);
			EventRecorder events = first.getBean(EventRecorder.class);
			await().atMost(WAIT).until(() -> recorder.handled.size() >= 12);
			long stopping = System.nanoTime();
			first.close();
			assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(3));
			recorder.handled.forEach((h) -> handled.add(h.jobId()));
			released = events.of(AfterHandleEvent.class)
				.stream()
				.filter((event) -> event.getOutcome() == JobOutcome.RELEASED)
				.toList();
		}
		assertThat(released).isNotEmpty();
		assertThat(handled).hasSizeLessThan(ids.size());
		try (ConfigurableApplicationContext second = run(SlowApp.class, properties, "test.sleep-cap=10ms")) {
			QueueCounts afterStop = second.getBean(QueueOperations.class).counts("slow");
			assertThat(afterStop.reserved()).as("jobs held by the stopped application").isLessThanOrEqualTo(4);
			Recorder recorder = second.getBean(Recorder.class);
			await().atMost(WAIT).untilAsserted(() -> {
				Set<String> all = new HashSet<>(handled);
				recorder.handled.forEach((h) -> all.add(h.jobId()));
				assertThat(all).containsAll(ids);
			});
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(second.getBean(QueueOperations.class).counts("slow"))
					.isEqualTo(new QueueCounts("slow", 0, 0, 0, 0, 0)));
		}
	}

	@Test
	void redisAclUserAndPasswordComeFromSpringDataRedis(RedisServer redis) {
		RedisClient admin = RedisClient.create(redis.uri());
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			connection.sync().aclSetuser("queue-app", io.lettuce.core.AclSetuserArgs.Builder.on()
				.addPassword("s3cret")
				.allKeys()
				.allChannels()
				.allCommands());
		}
		finally {
			admin.shutdown();
		}
		try (ConfigurableApplicationContext app = run(ConsumerApp.class, "spring.data.redis.username=queue-app",
				"spring.data.redis.password=s3cret", "async-queue.queues.orders.channel=apps:acl")) {
			PushResult result = app.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("acl", 1));
			Recorder recorder = app.getBean(Recorder.class);
			await().atMost(WAIT).until(() -> recorder.handled.stream().anyMatch((h) -> h.jobId().equals(result.id())));
		}
		try (ConfigurableApplicationContext app = run(ProducerApp.class, "async-queue.consumer.enabled=false",
				"spring.data.redis.username=queue-app", "spring.data.redis.password=wrong",
				"async-queue.queues.orders.channel=apps:acl")) {
			assertThatExceptionOfType(QueueException.class)
				.isThrownBy(() -> app.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("acl", 2)))
				.withMessageStartingWith("Redis at redis://")
				.withMessageContaining(" refused the password for user 'queue-app': WRONGPASS ")
				.withMessageContaining("; check spring.data.redis.password and spring.data.redis.username");
		}
	}

	@Test
	void startsWhileRedisIsUnreachableAndPushesFailLoudly() {
		try (ConfigurableApplicationContext app = run(ProducerApp.class, "async-queue.consumer.enabled=false",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1", "spring.data.redis.connect-timeout=500ms",
				"async-queue.queues.orders.channel=apps:down")) {
			QueueTemplate template = app.getBean(QueueTemplate.class);
			assertThatExceptionOfType(QueueException.class)
				.isThrownBy(() -> template.push(CreateOrderJob.class, new CreateOrder("down", 1)))
				.withMessageContaining("Could not connect to Redis at redis://127.0.0.1:1");
			assertThat(template.pushAsync(CreateOrderJob.class, new CreateOrder("down", 2))).isCompletedExceptionally();
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void jobsRunOnVirtualThreadsWhenEnabled() {
		try (ConfigurableApplicationContext app = run(ConsumerApp.class, "spring.threads.virtual.enabled=true",
				"async-queue.queues.orders.channel=apps:virtual")) {
			PushResult result = app.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("v", 1));
			Recorder recorder = app.getBean(Recorder.class);
			Handled handled = await().atMost(WAIT)
				.until(() -> recorder.handled.stream().filter((h) -> h.jobId().equals(result.id())).findFirst().orElse(null),
						(h) -> h != null);
			assertThat(handled.virtual()).isTrue();
			assertThat(handled.thread()).startsWith("async-queue-orders-");
		}
	}

	private static ConfigurableApplicationContext run(Class<?> application, String... properties) {
		return run(application, properties, new String[0]);
	}

	private static ConfigurableApplicationContext run(Class<?> application, String[] properties, String... more) {
		List<String> all = new ArrayList<>(List.of("async-queue.queue-length-interval=0",
				"async-queue.defaults.blocking-timeout=1s", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		all.addAll(List.of(more));
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.run(all.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Recorder.class, CreateOrderJob.class })
	static class ConsumerApp {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ProducerApp {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Recorder.class, EventRecorder.class, SleepJob.class })
	static class SlowApp {

	}

}
