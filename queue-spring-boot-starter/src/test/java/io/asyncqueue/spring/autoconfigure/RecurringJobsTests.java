package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import java.time.temporal.ChronoUnit;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.TestJobs;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint.OperationResultDescriptor;
import io.asyncqueue.spring.actuate.AsyncQueueEndpoint.ScheduleDescriptor;
import io.asyncqueue.spring.metrics.ScheduleMetrics;
import io.asyncqueue.spring.schedule.Recurring;
import io.asyncqueue.spring.schedule.RecurringJobScheduler;
import io.asyncqueue.test.EmbeddedRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Recurring jobs declared in properties and by {@link Recurring @Recurring}, against a real Redis.
 */
@EmbeddedRedis
class RecurringJobsTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class))
		.withBean(TestJobs.Recorder.class)
		.withPropertyValues("async-queue.defaults.blocking-timeout=1s");

	@Test
	void scheduleInPropertiesPushesItsJobWithItsPayload() {
		this.runner.withBean(TestJobs.CreateOrderJob.class)
			.withPropertyValues("async-queue.queues.orders.concurrency=1",
					"async-queue.schedules.reconcile.fixed-rate=1s", "async-queue.schedules.reconcile.job=CreateOrderJob",
					"async-queue.schedules.reconcile.payload={\"user\": \"scheduler\", \"item\": 7}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TestJobs.Recorder recorder = context.getBean(TestJobs.Recorder.class);
				await().atMost(WAIT).until(() -> !recorder.of("CreateOrderJob").isEmpty());
				assertThat(recorder.of("CreateOrderJob").get(0).payload()).isEqualTo(new CreateOrder("scheduler", 7));
				ScheduleState state = context.getBean(ScheduleOperations.class).schedule("orders", "reconcile");
				assertThat(state.spec()).isEqualTo("every 1s");
				assertThat(state.jobName()).isEqualTo("CreateOrderJob");
				assertThat(state.misfire()).isEqualTo("fire-once");
				assertThat(state.nextTick()).isAfter(state.lastTick());
			});
	}

	@Test
	void recurringJobClassIsPushedWithTheScheduleHeaders() {
		this.runner.withBean(HeartbeatJob.class).withPropertyValues("async-queue.queues.beats.concurrency=1").run((context) -> {
			assertThat(context).hasNotFailed();
			HeartbeatJob job = context.getBean(HeartbeatJob.class);
			await().atMost(WAIT).until(() -> !job.headers.isEmpty());
			Map<String, String> headers = job.headers.get(0);
			assertThat(headers).containsEntry(Schedule.SCHEDULE_HEADER, "heartbeat")
				.containsEntry(Schedule.KIND_HEADER, "tick")
				.containsKey(Schedule.TICK_HEADER);
			assertThat(Long.parseLong(headers.get(Schedule.TICK_HEADER)) % 1000).as("ticks on whole seconds").isZero();
			assertThat(job.payloads).first().isEqualTo("beat");
			assertThat(context.getBean(RecurringJobScheduler.class).getSchedules()).extracting(Schedule::spec)
				.containsExactly("cron */1 * * * * * Europe/Paris");
		});
	}

	@Test
	void schedulesAreShownAndOperatedByTheEndpointAndMetered() {
		this.runner.withBean(TestJobs.CreateOrderJob.class)
			// a channel of its own: Redis lists every schedule any application registered on a queue
			.withPropertyValues("async-queue.queues.orders.channel=endpoint-test:orders",
					"async-queue.schedules.report.fixed-rate=1h",
					"async-queue.schedules.report.job=CreateOrderJob", "async-queue.schedules.report.misfire=skip",
					"async-queue.schedules.report.payload={\"user\": \"report\", \"item\": 1}")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ScheduleOperations schedules = context.getBean(ScheduleOperations.class);
				AsyncQueueEndpoint endpoint = new AsyncQueueEndpoint(context.getBean(QueueOperations.class), null);
				endpoint.setScheduleOperations(schedules);
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				new ScheduleMetrics(context.getBean(RecurringJobScheduler.class).getScheduler()).bindTo(registry);
				await().atMost(WAIT).until(() -> !Double.isNaN(gauge(registry, ScheduleMetrics.NEXT_TICK)));
				ScheduleDescriptor report = endpoint.queues().schedules().get("orders").get(0);
				assertThat(report.name()).isEqualTo("report");
				assertThat(report.spec()).isEqualTo("every 1h");
				assertThat(report.misfire()).isEqualTo("skip");
				assertThat(report.nextTick()).isEqualTo(report.lastTick().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
				assertThat(gauge(registry, ScheduleMetrics.NEXT_TICK)).isEqualTo(report.nextTick().getEpochSecond());

				OperationResultDescriptor paused = endpoint.operate("orders", "pause-schedule", "report", null, null, null, null, null);
				assertThat(paused.changed()).isTrue();
				assertThat(paused.paused()).isTrue();
				assertThat(endpoint.operate("orders", "trigger-schedule", "report", null, null, null, null, null).changed()).isTrue();
				TestJobs.Recorder recorder = context.getBean(TestJobs.Recorder.class);
				await().atMost(WAIT).until(() -> !recorder.of("CreateOrderJob").isEmpty());
				assertThat(recorder.of("CreateOrderJob").get(0).payload()).isEqualTo(new CreateOrder("report", 1));
				await().atMost(WAIT).until(() -> gauge(registry, ScheduleMetrics.PAUSED) == 1
						&& registry.get(ScheduleMetrics.JOBS).tag("kind", "trigger").functionCounter().count() == 1);
				assertThat(endpoint.operate("orders", "resume-schedule", "report", null, null, null, null, null).paused()).isFalse();
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.operate("orders", "pause-schedule", "nightly", null, null, null, null, null))
					.withMessage("Unknown schedule 'nightly' on queue 'orders'; its schedules are [report]");
			});
	}

	private static double gauge(SimpleMeterRegistry registry, String name) {
		return registry.get(name).tag("schedule", "report").gauge().value();
	}

	@Test
	void invalidCronStopsStartupNamingTheProperty() {
		assertFailure(schedule("cron=0 0 25 * * *"), "async-queue.schedules.bad.cron",
				"Schedule 'bad': cron '0 0 25 * * *' is not a cron expression", "six fields, seconds first");
	}

	@Test
	void cronAndFixedRateTogetherStopStartup() {
		assertFailure(schedule("cron=@hourly", "fixed-rate=1m"), "async-queue.schedules.bad.fixed-rate",
				"Schedule 'bad': fixed-rate is set as well as cron", "Set exactly one");
	}

	@Test
	void unknownJobStopsStartupListingTheJobs() {
		assertFailure(this.runner.withBean(TestJobs.CreateOrderJob.class)
			.withPropertyValues("async-queue.queues.orders.concurrency=1", "async-queue.schedules.bad.fixed-rate=1m",
					"async-queue.schedules.bad.job=CreateOrder"),
				"async-queue.schedules.bad.job", "Schedule 'bad': job 'CreateOrder' is not a @QueueJob of this application",
				"Name one of [CreateOrderJob]");
	}

	@Test
	void payloadThatIsNotTheJobsTypeStopsStartup() {
		assertFailure(schedule("fixed-rate=1m", "payload={\"user\": [1]}"), "async-queue.schedules.bad.payload",
				"Schedule 'bad': payload '{\"user\": [1]}' is not a io.asyncqueue.spring.TestJobs$CreateOrder",
				"JSON of the job's payload type");
	}

	@Test
	void invalidZoneAndUndeclaredQueueStopStartup() {
		assertFailure(schedule("cron=@daily", "zone=Mars/Olympus"), "async-queue.schedules.bad.zone",
				"Schedule 'bad': zone 'Mars/Olympus' is not a time zone", "Europe/Paris");
		assertFailure(schedule("fixed-rate=1m", "queue=elsewhere"), "async-queue.schedules.bad.queue",
				"Schedule 'bad': queue 'elsewhere' is not declared", "Declare it under async-queue.queues");
	}

	@Test
	void misspeltScheduleSettingNamesTheNearestOne() {
		assertFailure(schedule("fixed-rat=1m"), "async-queue.schedules.bad.fixed-rat",
				"'fixed-rat' is not a setting of schedule 'bad'; did you mean 'fixed-rate'?",
				"Rename it to async-queue.schedules.bad.fixed-rate");
	}

	@Test
	void invalidRecurringAnnotationStopsStartupNamingTheClassAndAttribute() {
		this.runner.withBean(CronAndRateJob.class).withPropertyValues("async-queue.queues.beats.concurrency=1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(AsyncQueueConfigurationException.class, (failure) -> {
					assertThat(failure.getMessage()).isEqualTo("@Recurring on " + CronAndRateJob.class.getName()
							+ ": fixedRate is set as well as cron");
					assertThat(failure.getAction()).contains("Set exactly one");
					assertThat(failure.getProperty()).isNull();
				});
		});
	}

	@Test
	void aZoneOnAFixedRateScheduleStopsStartupRatherThanBeingIgnored() {
		assertFailure(schedule("fixed-rate=1m", "zone=Europe/Paris"), "async-queue.schedules.bad.zone",
				"Schedule 'bad': zone is set on a fixed-rate schedule, where it has no effect",
				"Remove zone, or use cron");
	}

	@Test
	void tooShortFixedRateStopsStartup() {
		assertFailure(schedule("fixed-rate=100ms"), "async-queue.schedules.bad.fixed-rate",
				"Schedule 'bad': fixed-rate 100ms is shorter than a second", "Use 1s or more");
	}

	@Test
	void aNameTheDashboardsUrlsCannotCarryStopsStartup() {
		assertFailure(this.runner.withBean(TestJobs.CreateOrderJob.class)
			.withPropertyValues("async-queue.queues.orders.concurrency=1",
					"async-queue.schedules[reports/daily].job=CreateOrderJob",
					"async-queue.schedules[reports/daily].fixed-rate=1h"),
				"async-queue.schedules[reports/daily]",
				"Schedule 'reports/daily' (async-queue.schedules.reports/daily): A schedule's name may hold letters, digits, "
						+ "'-', '_' and '.' (not only dots), as it is one segment of the dashboard's URLs, not 'reports/daily'",
				"Rename it (its key under async-queue.schedules), e.g. to 'reports-daily'.");
		assertFailure(this.runner.withBean(TestJobs.CreateOrderJob.class)
			.withPropertyValues("async-queue.queues.orders.concurrency=1", "async-queue.schedules[..].job=CreateOrderJob",
					"async-queue.schedules[..].fixed-rate=1h"),
				"async-queue.schedules[..]", "not '..'", "e.g. to 'schedule'.");
	}

	private ApplicationContextRunner schedule(String... settings) {
		ApplicationContextRunner runner = this.runner.withBean(TestJobs.CreateOrderJob.class)
			.withPropertyValues("async-queue.queues.orders.concurrency=1", "async-queue.schedules.bad.job=CreateOrderJob");
		for (String setting : settings) {
			runner = runner.withPropertyValues("async-queue.schedules.bad." + setting);
		}
		return runner;
	}

	private static void assertFailure(ApplicationContextRunner runner, String property, String description,
			String action) {
		runner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new AsyncQueueFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(description);
			assertThat(analysis.getAction()).contains(action);
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(AsyncQueueConfigurationException.class,
						(failure) -> assertThat(failure.getProperty()).isEqualTo(property));
		});
	}

	@QueueJob(queue = "beats")
	@Recurring(cron = "@hourly", fixedRate = "1m")
	static class CronAndRateJob implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(queue = "beats", name = "heartbeat")
	@Recurring(cron = "*/1 * * * * *", zone = "Europe/Paris", payload = "\"beat\"")
	static class HeartbeatJob implements Job<String> {

		final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

		final List<String> payloads = new CopyOnWriteArrayList<>();

		@Override
		public void handle(String payload, JobContext context) {
			this.payloads.add(payload);
			this.headers.add(context.headers());
		}

	}

}
