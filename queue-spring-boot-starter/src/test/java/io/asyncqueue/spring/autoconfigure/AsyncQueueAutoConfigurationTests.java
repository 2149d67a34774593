package io.asyncqueue.spring.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncqueue.core.InvalidQueueSettingException;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.core.StalledJobAction;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.QueueContainer;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs;
import io.asyncqueue.spring.autoconfigure.AsyncQueueProperties.Defaults;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link AsyncQueueAutoConfiguration}.
 */
@EmbeddedRedis
@ExtendWith(OutputCaptureExtension.class)
class AsyncQueueAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class))
		.withBean(TestJobs.Recorder.class);

	@Test
	void defaultsMatchCore() {
		Defaults defaults = new AsyncQueueProperties().getDefaults();
		assertThat(defaults.getBlockingTimeout()).isEqualTo(QueueSettings.DEFAULT_BLOCKING_TIMEOUT);
		assertThat(RetryBackoff.fixed(defaults.getRetryBackoff().get(0))).isEqualTo(QueueSettings.DEFAULT_RETRY_BACKOFF);
		assertThat(defaults.getRetryBackoff()).hasSize(1);
		assertThat(defaults.getMaxAttempts()).isEqualTo(QueueSettings.DEFAULT_MAX_ATTEMPTS);
		assertThat(defaults.getHandleTimeout()).isEqualTo(QueueSettings.DEFAULT_HANDLE_TIMEOUT);
		assertThat(defaults.getConsumers()).isEqualTo(QueueSettings.DEFAULT_CONSUMERS);
		assertThat(defaults.getConcurrency()).isEqualTo(QueueSettings.DEFAULT_CONCURRENCY);
		assertThat(defaults.getFetchBatchSize()).isEqualTo(QueueSettings.DEFAULT_FETCH_BATCH_SIZE);
		assertThat(defaults.getPrefetch()).as("unset: the engine's default, the concurrency").isNull();
		assertThat(defaults.getLeaseDuration()).isEqualTo(QueueSettings.DEFAULT_LEASE_DURATION);
		assertThat(defaults.getMaxStalls()).isEqualTo(QueueSettings.DEFAULT_MAX_STALLS);
		assertThat(defaults.getStalledJobAction()).isEqualTo(QueueSettings.DEFAULT_STALLED_JOB_ACTION);
		assertThat(defaults.getShutdownTimeout()).isEqualTo(QueueSettings.DEFAULT_SHUTDOWN_TIMEOUT);
		assertThat(defaults.getMaxPayloadSize().toBytes()).isEqualTo(QueueSettings.DEFAULT_MAX_PAYLOAD_SIZE);
		assertThat(defaults.getFailedRetention()).isEqualTo(QueueSettings.DEFAULT_FAILED_RETENTION);
		assertThat(defaults.getFailedMaxSize()).isEqualTo(QueueSettings.DEFAULT_FAILED_MAX_SIZE);
		assertThat(defaults.getReplicas()).isEqualTo(QueueSettings.DEFAULT_REPLICAS);
		assertThat(defaults.getReplicaTimeout()).isEqualTo(QueueSettings.DEFAULT_REPLICA_TIMEOUT);
		assertThat(defaults.getNonRetryableExceptions()).isEmpty();
		assertThat(defaults.isAutoStartup()).isTrue();
		AsyncQueueProperties.Cluster cluster = new AsyncQueueProperties().getCluster();
		assertThat(cluster.getRefreshPeriod()).isEqualTo(RedisConnector.DEFAULT_CLUSTER_REFRESH_PERIOD);
		assertThat(cluster.getAdaptiveRefreshTimeout()).isEqualTo(RedisConnector.DEFAULT_CLUSTER_ADAPTIVE_REFRESH_TIMEOUT);
		this.runner.run((context) -> assertThat(context.getBean(Queues.class).get("default"))
			.hasToString(QueueSettings.defaults("default").toString()));
	}

	@Test
	void documentedDefaultsMatchCore() throws Exception {
		Map<String, Object> documented = new HashMap<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(metadata);
			for (JsonNode property : root.path("properties")) {
				String name = property.path("name").asString();
				JsonNode value = property.get("defaultValue");
				// the exponential backoff's parts act only beside its initial delay (unset by default), and set
				// without it they fail startup: they are not part of the default queue
				if (name.startsWith("async-queue.defaults.") && value != null
						&& !name.startsWith("async-queue.defaults.exponential-backoff.")) {
					documented.put(name, value.isArray() ? String.join(",", value.valueStream().map(JsonNode::asString).toList())
							: value.asString());
				}
			}
		}
		assertThat(documented).containsKeys("async-queue.defaults.blocking-timeout", "async-queue.defaults.retry-backoff",
				"async-queue.defaults.max-attempts", "async-queue.defaults.handle-timeout",
				"async-queue.defaults.consumers", "async-queue.defaults.concurrency",
				"async-queue.defaults.fetch-batch-size", "async-queue.defaults.lease-duration",
				"async-queue.defaults.max-stalls", "async-queue.defaults.stalled-job-action",
				"async-queue.defaults.shutdown-timeout", "async-queue.defaults.max-payload-size",
				"async-queue.defaults.failed-retention", "async-queue.defaults.failed-max-size");
		AsyncQueueProperties bound = new Binder(new MapConfigurationPropertySource(documented))
			.bind("async-queue", Bindable.ofInstance(new AsyncQueueProperties()))
			.get();
		QueueSettings fromDocumented = new QueueSettingsFactory(bound, List.of()).createQueues().get("default");
		assertThat(fromDocumented).hasToString(QueueSettings.defaults("default").toString());
	}

	@Test
	void durablePushesCanBeConfiguredPerQueue() {
		this.runner
			.withPropertyValues("async-queue.queues.orders.replicas=1", "async-queue.queues.orders.replica-timeout=100ms",
					"async-queue.defaults.replica-timeout=2s", "async-queue.queues.reports.concurrency=1")
			.run((context) -> {
				Queues queues = context.getBean(Queues.class);
				assertThat(queues.get("orders").replicas()).isEqualTo(1);
				assertThat(queues.get("orders").replicaTimeout()).isEqualTo(Duration.ofMillis(100));
				assertThat(queues.get("reports").replicas()).isZero();
				assertThat(queues.get("reports").replicaTimeout()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void queuesCanBeConfigured() {
		this.runner
			.withPropertyValues("async-queue.defaults.handle-timeout=20s", "async-queue.defaults.concurrency=4",
					"async-queue.defaults.retry-backoff=2s",
					"async-queue.defaults.non-retryable-exceptions=java.lang.IllegalArgumentException",
					"async-queue.queues.default.channel=app:default",
					"async-queue.queues.orders.concurrency=1", "async-queue.queues.orders.max-attempts=5",
					"async-queue.queues.orders.retry-backoff=1s,5s,30s", "async-queue.queues.orders.consumers=2",
					"async-queue.queues.orders.blocking-timeout=2s", "async-queue.queues.orders.fetch-batch-size=8",
					"async-queue.queues.orders.prefetch=0",
					"async-queue.queues.orders.lease-duration=10s", "async-queue.queues.orders.max-stalls=0",
					"async-queue.queues.orders.stalled-job-action=park",
					"async-queue.queues.orders.shutdown-timeout=5s", "async-queue.queues.orders.max-payload-size=64KB",
					"async-queue.queues.orders.handle-timeout=0",
					"async-queue.defaults.failed-retention=7d", "async-queue.queues.orders.failed-max-size=1000",
					"async-queue.queues.orders.non-retryable-exceptions=java.lang.IllegalStateException",
					"async-queue.queues.reports.exponential-backoff.initial=1s",
					"async-queue.queues.reports.exponential-backoff.multiplier=3",
					"async-queue.queues.reports.exponential-backoff.max=1m",
					"async-queue.queues.reports.exponential-backoff.jitter=0")
			.run((context) -> {
				Queues queues = context.getBean(Queues.class);
				assertThat(queues.all()).extracting(QueueSettings::name).containsExactly("default", "orders", "reports");
				QueueSettings defaults = queues.get("default");
				assertThat(defaults.channel()).isEqualTo("app:default");
				assertThat(defaults.handleTimeout()).isEqualTo(Duration.ofSeconds(20));
				assertThat(defaults.concurrency()).isEqualTo(4);
				assertThat(defaults.retryBackoff()).isEqualTo(RetryBackoff.fixed(Duration.ofSeconds(2)));
				assertThat(defaults.nonRetryableExceptions()).containsExactly(IllegalArgumentException.class);
				QueueSettings orders = queues.get("orders");
				assertThat(orders.channel()).isEqualTo("async-queue:orders");
				assertThat(orders.concurrency()).isEqualTo(1);
				assertThat(orders.maxAttempts()).isEqualTo(5);
				assertThat(orders.retryBackoff()).isEqualTo(RetryBackoff
					.schedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30))));
				assertThat(orders.consumers()).isEqualTo(2);
				assertThat(orders.blockingTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(orders.fetchBatchSize()).isEqualTo(8);
				assertThat(orders.prefetch()).isZero();
				assertThat(orders.leaseDuration()).isEqualTo(Duration.ofSeconds(10));
				assertThat(orders.maxStalls()).isZero();
				assertThat(orders.stalledJobAction()).isEqualTo(StalledJobAction.PARK);
				assertThat(orders.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(orders.maxPayloadSize()).isEqualTo((int) DataSize.ofKilobytes(64).toBytes());
				assertThat(orders.handleTimeout()).isZero();
				assertThat(orders.nonRetryableExceptions()).containsExactly(IllegalStateException.class);
				assertThat(orders.failedRetention()).isEqualTo(Duration.ofDays(7));
				assertThat(orders.failedMaxSize()).isEqualTo(1000);
				assertThat(defaults.failedMaxSize()).isZero();
				QueueSettings reports = queues.get("reports");
				assertThat(reports.retryBackoff())
					.isEqualTo(RetryBackoff.exponential(Duration.ofSeconds(1), 3, Duration.ofMinutes(1), 0));
				assertThat(reports.concurrency()).isEqualTo(4);
				assertThat(reports.handleTimeout()).isEqualTo(Duration.ofSeconds(20));
			});
	}

	@Test
	void queueWithoutSettingsCanBeDeclaredEmpty() {
		this.runner.withPropertyValues("async-queue.queues.orders=", "async-queue.queues.emails.concurrency=2")
			.run((context) -> assertThat(context.getBean(Queues.class).all()).extracting(QueueSettings::name)
				.containsExactlyInAnyOrder("orders", "emails"));
	}

	@Test
	void providesTheEngineAndTheTemplate() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(QueueTemplate.class)
				.hasSingleBean(QueueClient.class)
				.hasSingleBean(QueueOperations.class)
				.hasSingleBean(RedisConnector.class)
				.hasSingleBean(JobSerializer.class)
				.hasSingleBean(QueueContainerRegistry.class);
			assertThat(context.getBean(QueueTemplate.class).getQueueClient()).isSameAs(context.getBean(QueueClient.class));
		});
	}

	@Test
	void reusesBootsJsonMapperForPayloads() {
		this.runner.run((context) -> assertThat(context.getBean(JobSerializer.class).mapper())
			.isSameAs(context.getBean(JsonMapper.class)));
	}

	@Test
	void backsOffWhenUserDefinesBeans() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).getBean(RedisConnector.class).isSameAs(context.getBean(UserBeans.class).connector);
			assertThat(context).getBean(Queues.class).isSameAs(context.getBean(UserBeans.class).queues);
			assertThat(context).getBean(JobSerializer.class).isSameAs(context.getBean(UserBeans.class).serializer);
			assertThat(context).getBean(QueueClient.class).isSameAs(context.getBean(UserBeans.class).client);
			assertThat(context).getBean(QueueTemplate.class).isSameAs(context.getBean(UserBeans.class).template);
			assertThat(context).getBean(QueueContainerRegistry.class)
				.isSameAs(context.getBean(UserBeans.class).registry);
		});
	}

	@Test
	void isDisabledWhenEnabledIsFalse() {
		this.runner.withPropertyValues("async-queue.enabled=false")
			.withBean(TestJobs.DefaultQueueJob.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(QueueTemplate.class)
				.doesNotHaveBean(RedisConnector.class)
				.doesNotHaveBean(QueueContainerRegistry.class));
	}

	@Test
	void producerOnlyApplicationStartsNoConsumers() {
		this.runner.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.queues.orders.concurrency=1")
			.withBean(TestJobs.CreateOrderJob.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(QueueTemplate.class)
				.doesNotHaveBean(QueueContainerRegistry.class));
	}

	@Test
	void consumesOnlyQueuesThatHaveJobs() {
		this.runner
			.withPropertyValues("async-queue.queues.orders.concurrency=1", "async-queue.queues.idle.concurrency=1",
					"async-queue.queues.flaky.auto-startup=false")
			.withBean(TestJobs.CreateOrderJob.class)
			.withBean(TestJobs.BulkOrdersJob.class)
			.withBean(TestJobs.AlwaysFailsJob.class)
			.run((context) -> {
				QueueContainerRegistry registry = context.getBean(QueueContainerRegistry.class);
				assertThat(registry.getContainers()).extracting(QueueContainer::getQueue)
					.containsExactly("orders", "flaky");
				assertThat(registry.getContainer("idle")).isNull();
				assertThat(registry.isRunning()).isTrue();
				assertThat(registry.getContainer("orders").isRunning()).isTrue();
				assertThat(registry.getContainer("flaky").isRunning()).isFalse();
				assertThat(registry.getPhase()).isEqualTo(QueueContainerRegistry.DEFAULT_PHASE);
			});
	}

	@Test
	void stopTimeoutIsBoundedByTheShutdownPhaseTimeout() {
		this.runner
			.withPropertyValues("async-queue.queues.orders.shutdown-timeout=1m", "async-queue.queues.flaky.shutdown-timeout=2s",
					"spring.lifecycle.timeout-per-shutdown-phase=10s")
			.withBean(TestJobs.CreateOrderJob.class)
			.withBean(TestJobs.AlwaysFailsJob.class)
			.run((context) -> {
				QueueContainerRegistry registry = context.getBean(QueueContainerRegistry.class);
				assertThat(registry.getContainer("orders").getStopTimeout()).isEqualTo(Duration.ofSeconds(9));
				assertThat(registry.getContainer("flaky").getStopTimeout()).isEqualTo(Duration.ofSeconds(2));
			});
		QueueSettings queue = QueueSettings.builder("q").shutdownTimeout(Duration.ofSeconds(30)).build();
		assertThat(QueueContainerFactory.stopTimeout(queue, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(29));
		assertThat(QueueContainerFactory.stopTimeout(queue, Duration.ofMillis(400))).isEqualTo(Duration.ofMillis(300));
	}

	@Test
	void customizersAreApplied() {
		AtomicInteger workerCustomizations = new AtomicInteger();
		QueueObserver listener = new QueueObserver() {
		};
		this.runner.withBean(QueueSettingsCustomizer.class, () -> (queue, settings) -> settings.concurrency(7))
			.withBean(QueueWorkerCustomizer.class,
					() -> (settings, worker) -> workerCustomizations.incrementAndGet())
			.withBean(QueueObserver.class, () -> listener)
			.withBean(TestJobs.DefaultQueueJob.class)
			.run((context) -> {
				assertThat(context.getBean(Queues.class).get("default").concurrency()).isEqualTo(7);
				assertThat(workerCustomizations).hasValue(1);
			});
	}

	@Test
	void failsWithLettuceMissing() {
		this.runner.withClassLoader(new FilteredClassLoader("io.lettuce")).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("io.lettuce:lettuce-core").contains("Jedis is not supported");
			assertThat(analysis.getAction()).contains("spring.data.redis.client-type=jedis");
		});
	}

	@Test
	void worksWhenSpringDataRedisUsesAnotherClient() {
		this.runner.withPropertyValues("spring.data.redis.client-type=jedis")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(QueueTemplate.class));
	}

	@Test
	void failsWithoutSpringBootsRedisAutoConfiguration() {
		assertFailure(new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AsyncQueueAutoConfiguration.class)),
				"async-queue takes its Redis settings from Spring Boot's Redis auto-configuration",
				"define an io.asyncqueue.core.redis.RedisConnector bean");
	}

	@Test
	void flowControlLimitsCanBeConfigured() {
		this.runner
			.withPropertyValues("async-queue.queues.stock.global-concurrency=1",
					"async-queue.queues.mail.rate-limit.max=50", "async-queue.queues.mail.rate-limit.period=10s")
			.run((context) -> {
				Queues queues = context.getBean(Queues.class);
				assertThat(queues.get("stock").globalConcurrency()).isEqualTo(1);
				assertThat(queues.get("stock").prefetch()).as("a job reserved ahead holds no global slot")
					.isEqualTo(queues.get("stock").concurrency());
				assertThat(queues.get("mail").prefetch()).as("a rate limit counts a job reserved ahead").isZero();
				assertThat(queues.get("stock").rateLimit()).isNull();
				assertThat(queues.get("mail").rateLimit())
					.isEqualTo(io.asyncqueue.core.RateLimit.of(50, Duration.ofSeconds(10)));
				assertThat(queues.get("mail").globalConcurrency()).isZero();
			});
	}

	@Test
	void groupConcurrencyCanBeConfigured() {
		this.runner
			.withPropertyValues("async-queue.queues.orders.group-concurrency=3", "async-queue.queues.mail.concurrency=2")
			.run((context) -> {
				Queues queues = context.getBean(Queues.class);
				assertThat(queues.get("orders").groupConcurrency()).isEqualTo(3);
				assertThat(queues.get("mail").groupConcurrency()).as("one at a time")
					.isEqualTo(QueueSettings.DEFAULT_GROUP_CONCURRENCY);
			});
	}

	@Test
	void failsOnZeroGroupConcurrency() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.group-concurrency=0"),
				"async-queue.queues.orders.group-concurrency must be at least 1",
				"Set async-queue.queues.orders.group-concurrency to 1 or more");
	}

	@Test
	void failsOnNegativeGlobalConcurrency() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.global-concurrency=-1"),
				"async-queue.queues.orders.global-concurrency must be zero (no limit across instances) or positive",
				"Set async-queue.queues.orders.global-concurrency to 1 or more");
	}

	@Test
	void shardsCanBeConfiguredPerQueue() {
		this.runner.withPropertyValues("async-queue.queues.orders.shards=3", "async-queue.queues.mail.concurrency=2")
			.run((context) -> {
				Queues queues = context.getBean(Queues.class);
				assertThat(queues.get("orders").shards()).isEqualTo(3);
				assertThat(queues.get("mail").shards()).isEqualTo(QueueSettings.DEFAULT_SHARDS);
			});
	}

	@Test
	void aShardedQueueSplitsItsLimitsAmongItsShards() {
		this.runner
			.withPropertyValues("async-queue.queues.orders.shards=3", "async-queue.queues.orders.global-concurrency=5",
					"async-queue.queues.orders.rate-limit.max=3")
			.run((context) -> assertThat(context.getBean(Queues.class).get("orders").globalConcurrency()).isEqualTo(5));
	}

	@Test
	void failsOnAShardedQueueWhoseLimitCannotGiveEveryShardOne() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.shards=3",
				"async-queue.queues.orders.global-concurrency=2"),
				"async-queue.queues.orders.global-concurrency is split among the queue's 3 shards, each needing at least "
						+ "1, so must be 3 or more (or 0 for no limit), was 2",
				"Set async-queue.queues.orders.global-concurrency to at least the queue's shard count (each shard "
						+ "enforces its share of it), or lower async-queue.queues.orders.shards.");
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.shards=4",
				"async-queue.queues.orders.rate-limit.max=3"),
				"async-queue.queues.orders.rate-limit max is split among the queue's 4 shards",
				"Set async-queue.queues.orders.rate-limit.max to at least the queue's shard count");
	}

	@Test
	void failsOnARateLimitWithoutStarts() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.rate-limit.max=0"),
				"async-queue.queues.orders.rate-limit max must be at least 1, was 0",
				"Set async-queue.queues.orders.rate-limit.max to 1 or more");
	}

	@Test
	void failsOnARateLimitPeriodWithoutItsMaxRatherThanIgnoringIt() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.rate-limit.period=10s"),
				"async-queue.queues.orders.rate-limit.period is set but async-queue.queues.orders.rate-limit.max is not",
				"Set async-queue.queues.orders.rate-limit.max (the most job starts in any window of the period, for "
						+ "example 100), or remove async-queue.queues.orders.rate-limit.period.");
	}

	@Test
	void failsOnExponentialBackoffPartsWithoutTheInitialDelayRatherThanIgnoringThem() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.exponential-backoff.multiplier=3"),
				"async-queue.queues.orders.exponential-backoff.multiplier is set but "
						+ "async-queue.queues.orders.exponential-backoff.initial is not: it has no effect",
				"Set async-queue.queues.orders.exponential-backoff.initial (for example 1s) to turn the exponential "
						+ "backoff on, or remove async-queue.queues.orders.exponential-backoff.multiplier.");
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.concurrency=2",
				"async-queue.defaults.exponential-backoff.max=1m"),
				"async-queue.defaults.exponential-backoff.max is set but async-queue.defaults.exponential-backoff.initial "
						+ "is not",
				"Set async-queue.defaults.exponential-backoff.initial");
		// with initial, every part counts
		this.runner.withPropertyValues("async-queue.queues.orders.exponential-backoff.initial=1s",
				"async-queue.queues.orders.exponential-backoff.multiplier=3",
				"async-queue.queues.orders.exponential-backoff.jitter=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void failsOnASamplingIntervalThatIsNegativeOrPollsConstantly() {
		assertFailure(this.runner.withPropertyValues("async-queue.queue-length-interval=-1s"),
				"async-queue.queue-length-interval must be 0 (off) or at least 10ms, was PT-1S",
				"Set async-queue.queue-length-interval to how often");
		assertFailure(this.runner.withPropertyValues("async-queue.metrics.queue-depth-interval=1ms"),
				"async-queue.metrics.queue-depth-interval must be 0 (off) or at least 10ms, was PT0.001S",
				"Set async-queue.metrics.queue-depth-interval to how often");
	}

	@Test
	void failsOnAClusterRefreshThatIsNotPositiveAtStartupNotAtTheFirstClusterConnection() {
		assertFailure(this.runner.withPropertyValues("async-queue.cluster.refresh-period=-1s"),
				"async-queue.cluster.refresh-period must be zero (no periodic refresh) or positive, was PT-1S",
				"Set async-queue.cluster.refresh-period to a duration such as 5s, or 0 for none");
		assertFailure(this.runner.withPropertyValues("async-queue.cluster.adaptive-refresh-timeout=0s"),
				"async-queue.cluster.adaptive-refresh-timeout must be positive while adaptive-refresh is on, was PT0S",
				"Set async-queue.cluster.adaptive-refresh-timeout to a duration such as 1s");
		this.runner.withPropertyValues("async-queue.cluster.refresh-period=0", "async-queue.cluster.adaptive-refresh=false",
				"async-queue.cluster.adaptive-refresh-timeout=0s")
			.run((context) -> assertThat(context).as("0: no periodic refresh, as documented").hasNotFailed());
	}

	@Test
	void failsOnZeroConcurrency() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.concurrency=0"),
				"async-queue.queues.orders.concurrency must be at least 1, was 0",
				"Set async-queue.queues.orders.concurrency to 1 or more");
	}

	@Test
	void failsOnNegativeDefaultConcurrency() {
		assertFailure(this.runner.withPropertyValues("async-queue.defaults.concurrency=-2"),
				"async-queue.defaults.concurrency must be at least 1, was -2",
				"It applies to every queue that does not set concurrency itself");
	}

	@Test
	void failsOnEmptyRetryBackoff() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.retry-backoff="),
				"async-queue.queues.orders.retry-backoff is empty",
				"Give async-queue.queues.orders.retry-backoff at least one duration, such as [1s, 5s, 30s]");
	}

	@Test
	void failsOnEmptyDefaultRetryBackoff() {
		assertFailure(this.runner.withPropertyValues("async-queue.defaults.retry-backoff="),
				"async-queue.defaults.retry-backoff is empty", "at least one duration");
	}

	@Test
	void failsOnInvalidExponentialBackoff() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.exponential-backoff.initial=1s",
				"async-queue.queues.orders.exponential-backoff.multiplier=0.5"),
				"async-queue.queues.orders.exponential-backoff is invalid", ".multiplier to 1 or more");
	}

	@Test
	void failsOnTooShortLease() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.lease-duration=100ms"),
				"async-queue.queues.orders.lease-duration must be at least 300ms",
				"Set async-queue.queues.orders.lease-duration to at least 300ms");
	}

	@Test
	void failsOnInvalidQueueName() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues[-bad].concurrency=1"),
				"Queue name '-bad'", "Rename the queue under async-queue.queues");
	}

	@Test
	void failsOnSharedChannel() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.a.channel=shared",
				"async-queue.queues.b.channel=shared"), "async-queue.queues.b.channel must differ from queue 'a'",
				"Give each queue its own async-queue.queues.<name>.channel");
	}

	@Test
	void failsOnNonExceptionInNonRetryableExceptions() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.non-retryable-exceptions=java.lang.String"),
				"lists java.lang.String, which is not an exception", "List only exception classes");
	}

	@Test
	void failsOnJobBoundToUndeclaredQueue() {
		assertFailure(this.runner.withBean(TestJobs.UndeclaredQueueJob.class),
				"Job 'UndeclaredQueueJob' (io.asyncqueue.spring.TestJobs$UndeclaredQueueJob) is bound to queue 'nowhere', which is not declared. Declared queues: [default]",
				"Declare the queue under async-queue.queues.nowhere");
	}

	@Test
	void failsOnTwoJobsWithOneName() {
		assertFailure(this.runner.withPropertyValues("async-queue.queues.orders.concurrency=1")
			.withBean(TestJobs.CreateOrderJob.class)
			.withBean(TestJobs.Other.CreateOrderJob.class), "Two jobs are named 'CreateOrderJob'",
				"Give one of them a name of its own with @QueueJob(name = \"...\")");
	}

	@Test
	void failsOnQueueJobThatIsNotAJob() {
		assertFailure(this.runner.withBean(TestJobs.NotAJob.class), "does not implement io.asyncqueue.spring.Job",
				"implement Job<Payload>");
	}

	@Test
	void failsOnInvalidJobTimeout() {
		assertFailure(this.runner.withBean(TestJobs.BadTimeoutJob.class),
				"@QueueJob on io.asyncqueue.spring.TestJobs$BadTimeoutJob: handleTimeout 'soon' is not a duration",
				"Use a duration such as");
	}

	@Test
	void failsOnMasterReplicaRedis() {
		assertFailure(this.runner.withPropertyValues("spring.data.redis.masterreplica.nodes=localhost:6379"),
				"does not support a static master/replica", "use Sentinel");
	}

	@Test
	void failureAnalyzerReportsThePropertyAndWhereItWasSet(CapturedOutput output) {
		SpringApplication application = new SpringApplication(FailingApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--async-queue.queues.orders.concurrency=0"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("async-queue.queues.orders.concurrency must be at least 1, was 0")
			.contains("Property: async-queue.queues.orders.concurrency")
			.contains("Value: \"0\"")
			.contains("Origin: \"async-queue.queues.orders.concurrency\" from property source \"commandLineArgs\"")
			.contains("Set async-queue.queues.orders.concurrency to 1 or more");
	}

	@Test
	void failureAnalyzerExplainsTheEnginesOwnValidation() {
		FailureAnalysis analysis = new AsyncQueueFailureAnalyzer(null).analyze(new IllegalStateException("wrapped",
				new InvalidQueueSettingException("reports", "max-attempts", "must be at least 1, was 0")));
		assertThat(analysis.getDescription())
			.contains("async-queue.queues.reports.max-attempts must be at least 1, was 0");
		assertThat(analysis.getAction()).contains("it counts every execution, the first included");
		assertThat(new AsyncQueueFailureAnalyzer(null).analyze(new IllegalStateException("unrelated"))).isNull();
	}

	private static void assertFailure(ApplicationContextRunner runner, String description, String action) {
		runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
		});
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		return new AsyncQueueFailureAnalyzer(null).analyze(context.getStartupFailure());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FailingApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		final RedisConnector connector = RedisConnector.create(RedisServerExtension.sharedServer().uri());

		final Queues queues = Queues.of(QueueSettings.defaults("mine"));

		final JobSerializer serializer = new JobSerializer();

		final QueueClient client = new QueueClient(this.connector, this.serializer, this.queues);

		final QueueTemplate template = new QueueTemplate(this.client);

		final QueueContainerRegistry registry = new QueueContainerRegistry(List.of());

		@Bean(destroyMethod = "close")
		RedisConnector userConnector() {
			return this.connector;
		}

		@Bean
		Queues userQueues() {
			return this.queues;
		}

		@Bean
		JobSerializer userSerializer() {
			return this.serializer;
		}

		@Bean
		QueueClient userClient() {
			return this.client;
		}

		@Bean
		QueueTemplate userTemplate() {
			return this.template;
		}

		@Bean
		QueueContainerRegistry userRegistry() {
			return this.registry;
		}

	}

}
