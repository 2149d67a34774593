package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;
import io.asyncqueue.core.scripts.SettleReply;

import static io.asyncqueue.core.scripts.SettleReply.APPLIED;
import static io.asyncqueue.core.scripts.SettleReply.GONE;
import static io.asyncqueue.core.scripts.SettleReply.NOT_OWNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker that dies holding jobs is simulated by reserving them with the fetch script and never
 * renewing or settling them: exactly what Redis sees after a kill -9.
 */
class RecoveryTest extends RedisTestSupport {

	@Test
	void deadWorkersJobsComeBackWhenTheirLeaseExpires() {
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(1000)).build();
		List<String> ids = pushAll(settings, 5);
		List<String> abandoned = abandon(settings, 5);
		assertThat(abandoned).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(operations(settings).counts(this.queue).reserved()).isEqualTo(5);
		long diedAt = System.nanoTime();
		RecordingObserver events = new RecordingObserver();
		Set<String> handled = ConcurrentHashMap.newKeySet();
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class, (n, context) -> {
			handled.add(context.id());
			attempts.add(context.attempt());
		}));
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 5);
		long recoveredAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - diedAt);
		assertThat(recoveredAfterMillis).as("not recovered before the lease expired").isGreaterThanOrEqualTo(900);
		assertThat(handled).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(attempts).containsOnly(2);
		assertThat(events.recovered).containsExactlyInAnyOrderElementsOf(ids);
		// the last handler has returned; its ack follows it to Redis
		await().atMost(Duration.ofSeconds(10))
			.until(() -> operations(settings).counts(this.queue).equals(new QueueCounts(this.queue, 0, 0, 0, 0, 0)));
	}

	@Test
	void jobThatStallsTooOftenIsParkedInFailedAsStalled() throws Exception {
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(300)).maxStalls(1).build();
		String id = lostTwice(settings);
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class, (n, context) -> {
		}));
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(events.stalledOut).containsExactly(id);
		assertThat(operations(settings).failedJobs(this.queue, 0, 1).get(0).reason()).startsWith("stalled");
	}

	@Test
	void aJobWhoseLastAttemptStalledIsParkedNotRunOnceMore() throws Exception {
		// max-attempts counts reservations: attempt 2 of 2 lost with its lease leaves none to run
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(300)).maxAttempts(2).build();
		String id = lostTwice(settings);
		RecordingObserver events = new RecordingObserver();
		List<Integer> ran = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class,
				(n, context) -> ran.add(context.attempt())));
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(ran).as("not run as attempt 3 of 2").isEmpty();
		FailedJob parked = operations(settings).failedJobs(this.queue, 0, 1).get(0);
		assertThat(parked.id()).isEqualTo(id);
		assertThat(parked.reason()).startsWith("attempts used up: attempt 3 exceeds max-attempts 2");
		assertThat(parked.exceptionClass()).isEqualTo("stalled");
		await().atMost(Duration.ofSeconds(5)).until(() -> !events.failed.isEmpty());
		assertThat(events.failed.get(0)).hasMessageStartingWith("attempts used up: attempt 3");
	}

	/** One job pushed, reserved by a worker that dies, recovered, reserved and lost again: two attempts used. */
	private String lostTwice(QueueSettings settings) throws InterruptedException {
		String id = pushAll(settings, 1).get(0);
		abandon(settings, 1);
		Thread.sleep(400);
		assertThat(abandon(settings, 1)).as("recovered and reserved again").containsExactly(id);
		Thread.sleep(400);
		return id;
	}

	@Test
	void parkPolicyMovesExpiredJobsToTimeoutForAManualReload() {
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(300))
			.stalledJobAction(StalledJobAction.PARK)
			.build();
		String id = pushAll(settings, 1).get(0);
		abandon(settings, 1);
		CountDownLatch handled = new CountDownLatch(1);
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.countDown()));
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).timeout() == 1);
		assertThat(operations(settings).parkedJobs(this.queue, JobState.TIMEOUT, 0, 10)).singleElement()
			.satisfies((job) -> assertThat(job.id()).isEqualTo(id));
		assertThat(operations(settings).reloadAll(this.queue, JobState.TIMEOUT).moved()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.getCount() == 0);
	}

	@Test
	void runningJobKeepsItsLeaseWhileItsWorkerRenewsIt() {
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(400)).handleTimeout(Duration.ZERO).build();
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		RecordingObserver events = new RecordingObserver();
		JobHandler<Integer> slow = (n, context) -> {
			attempts.add(context.attempt());
			Thread.sleep(2000);
		};
		// a second worker on the queue would take the job if its lease lapsed
		start(QueueWorker.builder(settings, redis).observer(events).job("long", Integer.class, slow));
		start(QueueWorker.builder(settings, redis).observer(events).job("long", Integer.class, slow));
		pushAll(settings, 1, "long");
		await().atMost(Duration.ofSeconds(10)).until(() -> events.finished.size() == 1);
		assertThat(attempts).containsExactly(1);
		assertThat(events.outcomes()).containsExactly(JobOutcome.SUCCEEDED);
		assertThat(events.recovered).isEmpty();
	}

	@Test
	void workerThatLostItsLeaseCannotSettleTheJobAgain() {
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(300)).build();
		String id = pushAll(settings, 1).get(0);
		abandon(settings, 1);
		// the job is recovered and fetched again (attempt 2) by a second "worker"
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			redisCommands().zadd(keys(settings).marker(), 0, "ready");
			return abandon(settings, 1).contains(id);
		});
		// the first worker's late acknowledgement (token "1") is refused
		List<SettleReply> reply = QueueClient.join(scripts(settings).settleAll(List.of(SettleRecord.ack(id, "1", null))));
		assertThat(reply).containsExactly(NOT_OWNED);
		assertThat(operations(settings).counts(this.queue).reserved()).isEqualTo(1);
	}

	@Test
	void staleTokenCannotSettleOrRenewTheJobAfterAReload() throws InterruptedException {
		QueueSettings settings = settings().leaseDuration(Duration.ofMillis(300))
			.stalledJobAction(StalledJobAction.PARK)
			.build();
		QueueScripts scripts = scripts(settings);
		String id = pushAll(settings, 1).get(0);
		FetchedJob hung = QueueClient.join(scripts.fetch(1, "{}")).jobs().get(0);
		Thread.sleep(400);
		assertThat(QueueClient.join(scripts.fetch(0, "{}")).failed()).as("parked in timeout").containsExactly(id);
		assertThat(operations(settings).reloadAll(this.queue, JobState.TIMEOUT).moved()).isEqualTo(1);
		FetchedJob current = QueueClient.join(scripts.fetch(1, "{}")).jobs().get(0);
		assertThat(current.attempt()).as("a reload resets the attempts").isEqualTo(1);
		assertThat(current.token()).as("but never the token").isNotEqualTo(hung.token());
		assertThat(QueueClient.join(scripts.extend(List.of(new Lease(id, hung.token())))))
			.containsExactly(new Lease(id, hung.token()));
		assertThat(QueueClient.join(scripts.settle(SettleRecord.ack(id, hung.token(), null)))).isEqualTo(NOT_OWNED);
		assertThat(operations(settings).counts(this.queue).reserved()).isEqualTo(1);
		assertThat(QueueClient.join(scripts.settle(SettleRecord.ack(id, current.token(), null)))).isEqualTo(APPLIED);
	}

	private List<String> pushAll(QueueSettings settings, int count) {
		return pushAll(settings, count, "n");
	}

	private List<String> pushAll(QueueSettings settings, int count, String job) {
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			requests.add(PushRequest.of(job, i));
		}
		return client(settings).pushAll(this.queue, requests).stream().map(PushResult::id).toList();
	}

	private List<String> abandon(QueueSettings settings, int count) {
		return QueueClient.join(scripts(settings).fetch(count, "{\"reason\":\"stalled\"}"))
			.jobs()
			.stream()
			.map(FetchedJob::id)
			.toList();
	}

}
