package io.asyncqueue.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.asyncqueue.core.JobState;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClosedException;
import io.asyncqueue.core.QueueAcl;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.RedisAccessDeniedException;
import io.asyncqueue.spring.TestJobs.AlwaysFailsJob;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.actuate.AsyncQueueHealthIndicator;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.autoconfigure.actuate.AsyncQueueHealthContributorAutoConfiguration;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.health.DataRedisHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The ACL the starter's README documents is enough to push, consume, retry, park and operate queues,
 * against a real Redis; Spring Boot's own {@code redis} health indicator is not (it needs INFO), as
 * the README says.
 */
@EmbeddedRedis
class LeastPrivilegeAclTests {

	/** The rules the README documents: the engine's, derived from its scripts. */
	static final String README_ACL = "on >queue-secret " + QueueAcl.rules("{async-queue:*");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				DataRedisHealthContributorAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class, AsyncQueueHealthContributorAutoConfiguration.class))
		.withBean(Recorder.class)
		.withBean(CreateOrderJob.class)
		.withBean(AlwaysFailsJob.class)
		.withPropertyValues("spring.data.redis.username=queue-app", "spring.data.redis.password=queue-secret",
				"async-queue.queue-length-interval=200ms", "async-queue.defaults.blocking-timeout=1s",
				"async-queue.queues.orders.channel=async-queue:acl-orders",
				"async-queue.queues.flaky.channel=async-queue:acl-flaky");

	@BeforeAll
	static void createUser(RedisServer redis) {
		RedisClient admin = RedisClient.create(redis.uri());
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			connection.sync().aclDeluser("queue-app", "queue-app-no-zmscore");
			connection.sync()
				.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add("queue-app").addValues(README_ACL.split(" ")));
			// ZMSCORE is run by the settle script only: pushes and fetches work, acks are refused
			connection.sync()
				.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
							.add("queue-app-no-zmscore")
							.addValues((README_ACL + " -zmscore").split(" ")));
		}
		finally {
			admin.shutdown();
		}
	}

	@Test
	void theDocumentedAclIsEnoughToConsumeAndOperate() {
		this.runner.run((context) -> {
			QueueTemplate template = context.getBean(QueueTemplate.class);
			QueueOperations operations = context.getBean(QueueOperations.class);
			Recorder recorder = context.getBean(Recorder.class);
			PushResult created = template.push(CreateOrderJob.class, new CreateOrder("acl", 1),
					PushOptions.delay(Duration.ofMillis(200)).uniqueId("acl-1"));
			await().atMost(Duration.ofSeconds(15))
				.until(() -> recorder.handled.stream().anyMatch((handled) -> handled.jobId().equals(created.id())));

			PushResult failing = template.push(AlwaysFailsJob.class, "acl");
			await().atMost(Duration.ofSeconds(15)).until(() -> operations.counts("flaky").failed() == 1);
			assertThat(operations.failedJobs("flaky", 0, 10)).extracting((job) -> job.id()).containsExactly(failing.id());
			assertThat(operations.pause("flaky")).isTrue();
			assertThat(operations.reloadAll("flaky", JobState.FAILED).moved()).isEqualTo(1);
			assertThat(operations.delete("flaky", failing.id())).isTrue();
			assertThat(operations.resume("flaky")).isTrue();
			assertThat(operations.closePushes("orders")).isTrue();
			assertThatExceptionOfType(QueueClosedException.class)
				.isThrownBy(() -> template.push(CreateOrderJob.class, new CreateOrder("acl", 2)));
			assertThat(operations.openPushes("orders")).isTrue();
			assertThat(operations.flush("orders", JobState.WAITING)).isZero();

			Health queues = context.getBean(AsyncQueueHealthIndicator.class).health(true);
			assertThat(queues.getStatus()).isEqualTo(Status.UP);
			Health boots = context.getBean(DataRedisHealthIndicator.class).health(true);
			assertThat(boots.getStatus()).as("Spring Boot's redis indicator runs INFO").isEqualTo(Status.DOWN);
		});
	}

	@Test
	void theReadmesAclLineIsTheOneTheEngineDeclares() throws IOException {
		List<String> lines = Files.readAllLines(Path.of("README.md")).stream()
			.filter((line) -> line.startsWith("ACL SETUSER "))
			.toList();
		assertThat(lines).containsExactly("ACL SETUSER queue-app on >secret " + QueueAcl.rules("{async-queue:*"),
				"ACL SETUSER queue-app on >secret " + QueueAcl.rules("{async-queue:*", true));
	}

	@Test
	void aWrongPasswordIsAPermanentErrorNamedFirst() {
		this.runner.withPropertyValues("spring.data.redis.password=not-the-secret", "async-queue.consumer.enabled=false")
			.run((context) -> assertThatExceptionOfType(RedisAccessDeniedException.class)
				.isThrownBy(() -> context.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("acl", 3)))
				.withMessageStartingWith("Redis at ")
				.withMessageContaining("refused the password for user 'queue-app': WRONGPASS"));
	}

	@Test
	void aRefusedAckTurnsHealthDownWithTheReasonAndStopsConsumption() {
		this.runner.withPropertyValues("spring.data.redis.username=queue-app-no-zmscore",
				"async-queue.queues.orders.channel=async-queue:acl-refused-orders",
				"async-queue.queues.flaky.channel=async-queue:acl-refused-flaky")
			.run((context) -> {
				QueueTemplate template = context.getBean(QueueTemplate.class);
				Recorder recorder = context.getBean(Recorder.class);
				template.push(CreateOrderJob.class, new CreateOrder("refused", 1));
				AsyncQueueHealthIndicator indicator = context.getBean(AsyncQueueHealthIndicator.class);
				await().atMost(Duration.ofSeconds(15)).until(() -> Status.DOWN.equals(indicator.health(true).getStatus()));
				@SuppressWarnings("unchecked")
				Map<String, Map<String, Object>> queues = (Map<String, Map<String, Object>>) indicator.health(true)
					.getDetails()
					.get("queues");
				assertThat((String) queues.get("orders").get("consumptionProblem"))
					.startsWith("Redis refused a command of the queue (ACL, permanent): ")
					.contains("stopped fetching");
				assertThat(recorder.handled).hasSize(1);
			});
	}

	@Test
	void springBootsRedisIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.redis.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DataRedisHealthIndicator.class)
				.hasSingleBean(AsyncQueueHealthIndicator.class));
	}

}
