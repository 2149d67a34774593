package io.asyncqueue.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.UnreadableJobException;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs.AlwaysFailsJob;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.DefaultQueueJob;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.TestJobs.SleepJob;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.spring.autoconfigure.metrics.AsyncQueueMetricsAutoConfiguration;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters after a known workload, against a real Redis of the class's own (so that the Redis
 * commands the depth gauges cost can be counted).
 */
@EmbeddedRedis(isolated = true)
class QueueMetricsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				MetricsAutoConfiguration.class, AsyncQueueAutoConfiguration.class,
				AsyncQueueMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("async-queue.queue-length-interval=0", "async-queue.defaults.blocking-timeout=1s",
				"async-queue.queues.orders.channel=metrics:orders", "async-queue.queues.flaky.channel=metrics:flaky",
				"async-queue.queues.slow.channel=metrics:slow", "async-queue.queues.slow.handle-timeout=300ms",
				"async-queue.queues.slow.max-attempts=1", "async-queue.queues.default.channel=metrics:default",
				"async-queue.queues.default.auto-startup=false");

	@Test
	void metersCountAndTimeAKnownWorkload(RedisServer redis) {
		this.runner.withBean(Recorder.class)
			.withBean(CreateOrderJob.class)
			.withBean(AlwaysFailsJob.class)
			.withBean(SleepJob.class)
			.withBean(DefaultQueueJob.class)
			.withInitializer((context) -> context.getBeanFactory()
				.setConversionService(ApplicationConversionService.getSharedInstance()))
			.withPropertyValues("async-queue.metrics.queue-depth-interval=1h")
			.run((context) -> {
				QueueTemplate template = context.getBean(QueueTemplate.class);
				Recorder recorder = context.getBean(Recorder.class);
				template.pushAll(CreateOrderJob.class, List.of(new CreateOrder("m", 1), new CreateOrder("m", 2),
						new CreateOrder("m", 3)));
				template.push(AlwaysFailsJob.class, "boom");
				template.push(SleepJob.class, 5_000L);
				String stalled = stallOneJob(redis, template);
				context.getBean(QueueContainerRegistry.class).getContainer("default").start();

				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).untilAsserted(() -> {
					assertThat(count(meters, "orders", "CreateOrderJob", "success")).isEqualTo(3);
					assertThat(count(meters, "flaky", "AlwaysFailsJob", "retried")).isEqualTo(2);
					assertThat(count(meters, "flaky", "AlwaysFailsJob", "failed")).isEqualTo(1);
					assertThat(count(meters, "slow", "SleepJob", "timed_out")).isEqualTo(1);
					assertThat(count(meters, "default", "unknown", "stalled")).isEqualTo(1);
					assertThat(count(meters, "default", "DefaultQueueJob", "success")).isEqualTo(1);
				});
				assertThat(recorder.handled).filteredOn((handled) -> handled.jobId().equals(stalled)).hasSize(1);

				Timer duration = meters.get(QueueMetricsObserver.DURATION)
					.tags("queue", "slow", "job", "SleepJob", "outcome", "timed_out")
					.timer();
				assertThat(duration.count()).isEqualTo(1);
				assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isBetween(250.0, 4_000.0);
				assertThat(meters.get(QueueMetricsObserver.DURATION)
					.tags("queue", "orders", "job", "CreateOrderJob", "outcome", "success")
					.timer()
					.count()).isEqualTo(3);
				assertThat(meters.get(QueueMetricsObserver.WAIT).tags("queue", "orders", "job", "CreateOrderJob").timer().count())
					.as("one wait per job, at its first attempt")
					.isEqualTo(3);
				assertThat(meters.get(QueueMetricsObserver.WAIT).tags("queue", "flaky").timer().count()).isEqualTo(1);
				assertThat(meters.get(QueueMetricsObserver.WAIT).timer().getId().getTags())
					.extracting((tag) -> tag.getKey())
					.containsExactlyInAnyOrder("queue", "job");

				context.getBean(QueueDepthMetrics.class).refresh();
				assertThat(depth(meters, "flaky", "failed")).isEqualTo(1);
				assertThat(depth(meters, "slow", "failed")).isEqualTo(1);
				assertThat(depth(meters, "orders", "waiting")).isZero();
				assertThat(meters.find(QueueDepthMetrics.QUEUE_JOBS).gauges()).hasSize(4 * 5);
			});
	}

	@Test
	void consumerGaugesShowTheJobsRunningAndThePrefetchEachConsumerUsesNow() {
		this.runner.withBean(Recorder.class)
			.withBean(SleepJob.class)
			.withBean(CreateOrderJob.class)
			.withInitializer((context) -> context.getBeanFactory()
				.setConversionService(ApplicationConversionService.getSharedInstance()))
			.withPropertyValues("async-queue.metrics.queue-depth-interval=0", "async-queue.queues.slow.prefetch=3",
					"async-queue.queues.slow.handle-timeout=0", "test.sleep-cap=1s")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				QueueContainerRegistry containers = context.getBean(QueueContainerRegistry.class);
				context.getBean(QueueTemplate.class).push(SleepJob.class, 60_000L);
				await().atMost(WAIT).until(() -> gauge(meters, ConsumerMetrics.ACTIVE, "slow") == 1);
				assertThat(gauge(meters, ConsumerMetrics.PREFETCH, "slow")).as("set, so fixed").isEqualTo(3);
				assertThat(gauge(meters, ConsumerMetrics.PREFETCH, "orders"))
					.isEqualTo(containers.getContainer("orders").getPrefetch())
					.isGreaterThanOrEqualTo(containers.getContainer("orders").getSettings().concurrency());
				assertThat(gauge(meters, ConsumerMetrics.ACTIVE, "flaky")).as("no consumer here").isNaN();
				await().atMost(WAIT).until(() -> gauge(meters, ConsumerMetrics.ACTIVE, "slow") == 0);
			});
	}

	private static double gauge(MeterRegistry meters, String name, String queue) {
		return meters.get(name).tag("queue", queue).gauge().value();
	}

	@Test
	void jobNamesFromRedisThatNoJobHasAreTaggedUnknown() {
		this.runner.withBean(Recorder.class)
			.withBean(CreateOrderJob.class)
			.withPropertyValues("async-queue.metrics.queue-depth-interval=0",
					"async-queue.queues.orders.channel=metrics:forged")
			.run((context) -> {
				QueueClient client = context.getBean(QueueTemplate.class).getQueueClient();
				for (int i = 0; i < 5; i++) {
					client.push("orders", "forged-" + i, "x", PushOptions.now());
				}
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(count(meters, "orders", "unknown", "failed")).isEqualTo(5));
				assertThat(meters.getMeters()).flatExtracting((meter) -> meter.getId().getTags())
					.filteredOn((tag) -> tag.getKey().equals("job"))
					.extracting((tag) -> tag.getValue())
					.allMatch((job) -> job.equals("unknown") || job.equals("CreateOrderJob"));
			});
	}

	@Test
	void aHandlerThatFindsItsPayloadUnreadableIsCountedOnceUnderItsJob() {
		this.runner.withBean(RejectsPayloadJob.class)
			.withPropertyValues("async-queue.metrics.queue-depth-interval=0",
					"async-queue.queues.orders.channel=metrics:rejects")
			.run((context) -> {
				QueueTemplate template = context.getBean(QueueTemplate.class);
				template.push(RejectsPayloadJob.class, "not an order");
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(count(meters, "orders", "RejectsPayloadJob", "failed")).isEqualTo(1));
				// the failed listener call and afterHandle both follow the settle: give a second count time to show
				Thread.sleep(300);
				assertThat(meters.find(QueueMetricsObserver.JOBS).tags("job", "unknown").counters())
					.as("not counted a second time as an unreadable job").isEmpty();
				assertThat(count(meters, "orders", "RejectsPayloadJob", "failed")).isEqualTo(1);
			});
	}

	/** Reads its payload further itself and gives up on it, as UnreadableJobException's javadoc allows. */
	@QueueJob(queue = "orders")
	static class RejectsPayloadJob implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
			throw new UnreadableJobException("'" + payload + "' is no order", null);
		}

	}

	@Test
	void depthGaugesCostOneRoundTripPerQueuePerRefreshAndNonePerScrape(RedisServer redis) {
		this.runner.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.metrics.queue-depth-interval=1h")
			.run((context) -> {
				QueueTemplate template = context.getBean(QueueTemplate.class);
				template.push(CreateOrderJob.class, new CreateOrder("d", 1));
				template.push(CreateOrderJob.class, new CreateOrder("d", 2));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				QueueDepthMetrics depth = context.getBean(QueueDepthMetrics.class);
				depth.refresh();
				assertThat(depth(meters, "orders", "waiting")).isEqualTo(2);
				try (RedisTap tap = new RedisTap(redis)) {
					long before = tap.scriptCalls();
					for (int scrape = 0; scrape < 50; scrape++) {
						meters.find(QueueDepthMetrics.QUEUE_JOBS).gauges().forEach((gauge) -> gauge.value());
					}
					assertThat(tap.scriptCalls()).isEqualTo(before);
					depth.refresh();
					assertThat(tap.scriptCalls() - before).as("one counts script per declared queue").isEqualTo(4);
				}
			});
	}

	@Test
	void depthGaugesAreNaNUntilFirstReadAndAbsentWithZeroInterval() {
		this.runner.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.metrics.queue-depth-interval=0")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class).find(QueueDepthMetrics.QUEUE_JOBS).gauges())
				.isEmpty());
		this.runner.withPropertyValues("async-queue.consumer.enabled=false", "spring.data.redis.port=1",
				"spring.data.redis.connect-timeout=200ms", "async-queue.metrics.queue-depth-interval=1h")
			.run((context) -> {
				context.getBean(QueueDepthMetrics.class).refresh();
				assertThat(depth(context.getBean(MeterRegistry.class), "orders", "waiting")).isNaN();
			});
	}

	/** Push a DefaultQueueJob and leave it reserved under an expired lease, as a dead worker would. */
	private static String stallOneJob(RedisServer redis, QueueTemplate template) {
		PushResult pushed = template.push(DefaultQueueJob.class, "stalled");
		QueueKeys keys = QueueKeys.of("metrics:default");
		RedisClient client = RedisClient.create(redis.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			assertThat(commands.lpop(keys.waiting())).isEqualTo(pushed.id());
			commands.hincrby(keys.attempts(), pushed.id(), 1);
			commands.zadd(keys.reserved(), 1, pushed.id());
		}
		finally {
			client.shutdown();
		}
		return pushed.id();
	}

	private static double count(MeterRegistry meters, String queue, String job, String outcome) {
		var counter = meters.find(QueueMetricsObserver.JOBS).tags("queue", queue, "job", job, "outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static double depth(MeterRegistry meters, String queue, String state) {
		return meters.get(QueueDepthMetrics.QUEUE_JOBS).tags("queue", queue, "state", state).gauge().value();
	}

	/** Counts the scripts Redis ran, from INFO commandstats. */
	private static final class RedisTap implements AutoCloseable {

		private final RedisClient client;

		private final StatefulRedisConnection<String, String> connection;

		RedisTap(RedisServer redis) {
			this.client = RedisClient.create(redis.uri());
			this.connection = this.client.connect();
		}

		long scriptCalls() {
			long calls = 0;
			for (String line : this.connection.sync().info("commandstats").split("\r?\n")) {
				if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
					String value = line.substring(line.indexOf("calls=") + 6);
					calls += Long.parseLong(value.substring(0, value.indexOf(',')));
				}
			}
			return calls;
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown();
		}

	}

}
