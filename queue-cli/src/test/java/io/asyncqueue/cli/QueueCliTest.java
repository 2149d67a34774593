package io.asyncqueue.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.schedule.MisfirePolicy;
import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.Ticks;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

@EmbeddedRedis(isolated = true)
class QueueCliTest {

	private final RedisServer server;

	private RedisConnector redis;

	private final QueueSettings mail = QueueSettings.builder("mail").maxAttempts(1).build();

	private final QueueSettings orders = QueueSettings.builder("orders").build();

	private QueueOperations operations;

	QueueCliTest(RedisServer server) {
		this.server = server;
	}

	@BeforeEach
	void connect() {
		this.redis = RedisConnector.create(this.server.uri());
		this.operations = new QueueOperations(this.redis, new JobSerializer(), Queues.of(this.mail, this.orders));
	}

	@AfterEach
	void disconnect() {
		this.operations.flush("mail", io.asyncqueue.core.JobState.FAILED);
		this.operations.flush("mail", io.asyncqueue.core.JobState.WAITING);
		this.operations.flush("mail", io.asyncqueue.core.JobState.DELAYED);
		this.operations.flush("orders", io.asyncqueue.core.JobState.WAITING);
		this.operations.flush("orders", io.asyncqueue.core.JobState.DELAYED);
		this.redis.close();
	}

	@Test
	void infoListsEveryQueueFoundWithItsCounts() {
		QueueClient client = new QueueClient(this.redis, new JobSerializer(), Queues.of(this.mail, this.orders));
		client.push("orders", "create", 1);
		client.push("orders", "create", 2, PushOptions.delay(Duration.ofHours(1)));
		// keys under the same prefix that are no queue: an instance's heartbeat, the outbox relay's lease
		this.redis.commands().set("{async-queue:instances}:host-1", "{}").toCompletableFuture().join();
		this.redis.commands().set("{async-queue:outbox}:relay-lease", "x").toCompletableFuture().join();
		Result result = cli("info");
		this.redis.commands().del("{async-queue:instances}:host-1").toCompletableFuture().join();
		this.redis.commands().del("{async-queue:outbox}:relay-lease").toCompletableFuture().join();
		assertThat(result.status).isZero();
		assertThat(result.out).contains("QUEUE").containsPattern("orders\\s+1\\s+1\\s+0\\s+0\\s+0\\s+consuming")
			.doesNotContain("instances").doesNotContain("outbox");
	}

	@Test
	void failedJobsAreListedReloadedAndFlushed() {
		failTwoMails();
		Result listed = cli("failed", "mail");
		assertThat(listed.out).contains("send").contains("smtp down").contains("attempts=1");
		Result reloaded = cli("reload", "mail", "--from", "failed");
		assertThat(reloaded.out).contains("Reloaded 2 job(s) from failed to waiting");
		assertThat(this.operations.counts("mail").waiting()).isEqualTo(2);
		assertThat(cli("flush", "mail", "waiting").status).isEqualTo(2);
		assertThat(this.operations.counts("mail").waiting()).isEqualTo(2);
		assertThat(cli("flush", "mail", "waiting", "--yes").out).contains("Deleted 2 waiting job(s)");
		assertThat(this.operations.counts("mail")).isEqualTo(new QueueCounts("mail", 0, 0, 0, 0, 0));
	}

	@Test
	void oneJobCanBeRetriedOrDeletedById() {
		List<String> ids = failTwoMails();
		assertThat(cli("retry", "mail", ids.get(0)).out).contains("is waiting again");
		assertThat(cli("delete", "mail", ids.get(1)).out).contains("Deleted job");
		assertThat(cli("delete", "mail", "nope").status).isEqualTo(1);
		assertThat(this.operations.counts("mail")).isEqualTo(new QueueCounts("mail", 1, 0, 0, 0, 0));
	}

	@Test
	void aJobWhoseUniqueIdIsHeldAgainIsNotReloadedAndTheOutputSaysWhy() {
		String failed = failMails(List.of(new PushRequest("send", "a", PushOptions.unique("to-a")))).get(0);
		String holder = new QueueClient(this.redis, new JobSerializer(), Queues.of(this.mail))
			.push("mail", "send", "a", PushOptions.delay(Duration.ofHours(1)).uniqueId("to-a"))
			.id();
		String reason = "job " + failed + " not reloaded: unique id 'to-a' is held by job " + holder;
		Result retried = cli("retry", "mail", failed);
		assertThat(retried.status).isEqualTo(1);
		assertThat(retried.out).contains(reason);
		Result reloaded = cli("reload", "mail");
		assertThat(reloaded.out).contains("Reloaded 0 job(s) from failed to waiting").contains(reason);
		assertThat(this.operations.counts("mail")).isEqualTo(new QueueCounts("mail", 0, 1, 0, 1, 0));
	}

	@Test
	void withShardsEveryCommandActsOnTheWholeShardedQueue() {
		QueueSettings sharded = QueueSettings.builder("spread").shards(3).build();
		QueueClient client = new QueueClient(this.redis, new JobSerializer(), Queues.of(sharded));
		for (int i = 0; i < 9; i++) {
			client.push("spread", "create", i);
		}
		assertThat(cli("info").out).containsPattern("spread\\s+").doesNotContain("spread~");
		assertThat(cli("--shards", "3", "info", "spread").out).containsPattern("spread\\s+9\\s+0\\s+0\\s+0\\s+0");
		assertThat(cli("--shards", "3", "pause", "spread").status()).isZero();
		assertThat(new QueueOperations(this.redis, new JobSerializer(), Queues.of(sharded)).isPaused("spread")).isTrue();
		assertThat(cli("--shards", "3", "flush", "spread", "waiting", "--yes").out()).contains("Deleted 9 waiting job(s)");
		assertThat(cli("--shards", "3", "limits", "spread", "--global-concurrency", "2").err()).contains("has shards: 3");
		cli("--shards", "3", "resume", "spread");
	}

	@Test
	void pauseAndTheProducerGateAreShownByInfo() {
		cli("pause", "orders");
		cli("close-pushes", "orders");
		assertThat(cli("info", "orders").out).contains("paused, pushes closed");
		cli("resume", "orders");
		cli("open-pushes", "orders");
		assertThat(cli("info", "orders").out).contains("consuming").doesNotContain("closed");
	}

	@Test
	void limitsAreStoredForEveryInstanceShownAndCleared() {
		Result set = cli("limits", "orders", "--global-concurrency", "2", "--rate-limit", "50/10s");
		assertThat(set.status()).isZero();
		assertThat(set.out()).contains("global concurrency: 0 of 2 (stored in Redis)")
			.contains("rate limit: 50 per 10s (stored in Redis)");
		assertThat(this.operations.limits("orders").globalConcurrency()).isEqualTo(2);
		Result groups = cli("limits", "orders", "--group-concurrency", "3");
		assertThat(groups.out()).contains("group concurrency: 3 per group (stored in Redis); 0 group(s) running, 0 held "
				+ "back at the limit");
		assertThat(this.operations.limits("orders").groupConcurrency()).isEqualTo(3);
		assertThat(cli("limits", "orders", "--group-concurrency", "0").err())
			.contains("Group concurrency must be 1 or more, was 0");
		Result noRate = cli("limits", "orders", "--rate-limit", "0");
		assertThat(noRate.status()).isZero();
		assertThat(noRate.out()).contains("rate limit: none (stored in Redis)");
		Result clearAndSet = cli("limits", "orders", "--clear", "--global-concurrency", "-1");
		assertThat(clearAndSet.status()).as("a usage error").isEqualTo(2);
		assertThat(clearAndSet.err()).contains("--clear removes every limit stored in Redis: give it alone");
		assertThat(this.operations.limits("orders").groupConcurrencySetAtRunTime()).as("nothing cleared").isTrue();
		Result cleared = cli("limits", "orders", "--clear");
		assertThat(cleared.out()).contains("global concurrency: not stored in Redis")
			.contains("group concurrency: not stored in Redis");
		assertThat(this.operations.limits("orders").globalConcurrencySetAtRunTime()).isFalse();
		Result bad = cli("limits", "orders", "--rate-limit", "fifty");
		assertThat(bad.status()).isNotZero();
		assertThat(bad.err()).contains("use MAX/PERIOD such as 50/1s");
	}

	@Test
	void schedulesAreListedPausedResumedAndTriggered() {
		Schedule report = new Schedule("nightly-report", "orders", "report", null,
				Ticks.fixedRate(Duration.ofHours(24)), "every 24h", MisfirePolicy.SKIP, Duration.ofSeconds(5));
		QueueScheduler scheduler = new QueueScheduler(this.redis, new JobSerializer(), Queues.of(this.orders),
				List.of(report));
		ScheduleOperations schedules = new ScheduleOperations(this.redis, Queues.of(this.orders));
		scheduler.start();
		try {
			eventually(() -> schedules.schedule("orders", "nightly-report") != null
					&& schedules.schedule("orders", "nightly-report").nextTick() != null);
			String next = schedules.schedule("orders", "nightly-report").nextTick().toString();
			assertThat(cli("schedules", "orders").out).contains("nightly-report").contains("active").contains(next)
				.contains("every 24h / report / skip");
			assertThat(cli("pause-schedule", "orders", "nightly-report").out)
				.contains("Schedule 'nightly-report' of queue 'orders' is paused");
			assertThat(cli("schedules", "orders").out).contains("paused");
			assertThat(cli("trigger-schedule", "orders", "nightly-report").out).contains("will push one job");
			eventually(() -> this.operations.counts("orders").waiting() == 1);
			assertThat(cli("resume-schedule", "orders", "nightly-report").out).contains("is active");
			Result unknown = cli("pause-schedule", "orders", "weekly");
			assertThat(unknown.status).isEqualTo(1);
			assertThat(unknown.err).contains("No schedule 'weekly' on queue 'orders'; its schedules are [nightly-report]");
			assertThat(cli("schedules", "mail").out).contains("No schedules on queue 'mail'");
		}
		finally {
			scheduler.stop();
		}
	}

	@Test
	void badStateIsAClearError() {
		Result result = cli("failed", "mail", "--state", "lost");
		assertThat(result.status).isEqualTo(1);
		assertThat(result.err).contains("Unknown job state 'lost'");
	}

	private List<String> failTwoMails() {
		return failMails(List.of(PushRequest.of("send", "a"), PushRequest.of("send", "b")));
	}

	private List<String> failMails(List<PushRequest> mails) {
		QueueClient client = new QueueClient(this.redis, new JobSerializer(), Queues.of(this.mail));
		List<String> ids = new ArrayList<>();
		client.pushAll("mail", mails).forEach((result) -> ids.add(result.id()));
		QueueWorker worker = QueueWorker.builder(this.mail, this.redis).job("send", String.class, (to, context) -> {
			throw new IllegalStateException("smtp down");
		}).build();
		worker.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (this.operations.counts("mail").failed() < mails.size() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		worker.stop();
		assertThat(this.operations.counts("mail").failed()).isEqualTo(mails.size());
		return ids;
	}

	private Result cli(String... args) {
		CliRun run = CliRun.of(this.server.uri(), args);
		return new Result(run.status(), run.out(), run.err());
	}

	private static void eventually(java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private record Result(int status, String out, String err) {
	}

}
