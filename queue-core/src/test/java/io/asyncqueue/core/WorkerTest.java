package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import io.asyncqueue.core.scripts.QueueKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkerTest extends RedisTestSupport {

	record Greeting(String name, List<Map<String, Integer>> scores) {
	}

	@Test
	void pushedJobIsHandledWithItsPayloadAndContext() {
		QueueSettings settings = settings().build();
		List<Object[]> seen = new CopyOnWriteArrayList<>();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job(new JobDefinition<Greeting>("greet",
				Greeting.class, (greeting, context) -> seen.add(new Object[] { greeting, context.id(), context.attempt(),
						context.queue(), context.jobName(), context.headers() }),
				null, null, null)));
		PushResult pushed = client(settings).push(this.queue, "greet",
				new Greeting("Ada", List.of(Map.of("math", 10))), PushOptions.now().header("trace", "abc"));
		await().atMost(Duration.ofSeconds(10)).until(() -> events.finished.size() == 1);
		assertThat(seen).hasSize(1);
		Object[] call = seen.get(0);
		assertThat(call[0]).isEqualTo(new Greeting("Ada", List.of(Map.of("math", 10))));
		assertThat(call[1]).isEqualTo(pushed.id());
		assertThat(call[2]).isEqualTo(1);
		assertThat(call[3]).isEqualTo(this.queue);
		assertThat(call[4]).isEqualTo("greet");
		assertThat(call[5]).isEqualTo(Map.of("trace", "abc"));
		assertThat(events.outcomes()).containsExactly(JobOutcome.SUCCEEDED);
		assertThat(events.started).hasSize(1);
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 0, 0, 0, 0, 0));
		assertThat(redisCommands().hlen(keys(settings).jobs())).isZero();
		assertThat(redisCommands().hlen(keys(settings).attempts())).isZero();
	}

	@Test
	void aHandledJobFreesItsUniqueIdForTheNextPush() {
		QueueSettings settings = settings().build();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class, (n, context) -> {
		}));
		PushResult first = client(settings).push(this.queue, "n", 1, PushOptions.unique("once"));
		await().atMost(Duration.ofSeconds(10)).until(() -> events.finished.size() == 1);
		assertThat(events.outcomes()).containsExactly(JobOutcome.SUCCEEDED);
		PushResult again = client(settings).push(this.queue, "n", 2, PushOptions.unique("once"));
		assertThat(again.created()).isTrue();
		assertThat(again.id()).isNotEqualTo(first.id());
	}

	@Test
	void idleWorkerPicksUpAJobPushedLater() throws Exception {
		QueueSettings settings = settings().blockingTimeout(Duration.ofSeconds(30)).build();
		CountDownLatch handled = new CountDownLatch(1);
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.countDown()));
		Thread.sleep(300);
		client(settings).push(this.queue, "n", 1);
		// far below the 30 s blocking timeout: the push woke the blocked consumer
		assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void delayedJobRunsNotBeforeItIsDueEvenWhenConsumersAreIdle() {
		QueueSettings settings = settings().blockingTimeout(Duration.ofSeconds(30)).build();
		List<Instant> ranAt = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> ranAt.add(Instant.now())));
		Instant pushedAt = Instant.now();
		client(settings).push(this.queue, "n", 1, PushOptions.delay(Duration.ofMillis(700)));
		await().atMost(Duration.ofSeconds(10)).until(() -> ranAt.size() == 1);
		assertThat(ranAt.get(0)).isAfterOrEqualTo(pushedAt.plusMillis(690));
	}

	@Test
	void failingJobIsRetriedThenParkedInFailedWithItsReason() {
		QueueSettings settings = settings().maxAttempts(3).build();
		AtomicInteger calls = new AtomicInteger();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("boom", String.class, (s, context) -> {
			calls.incrementAndGet();
			throw new IllegalStateException("no stock for " + s);
		}));
		PushResult pushed = client(settings).push(this.queue, "boom", "item-7");
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(calls).hasValue(3);
		assertThat(events.outcomes()).containsExactly(JobOutcome.RETRIED, JobOutcome.RETRIED, JobOutcome.FAILED);
		assertThat(events.retried).hasSize(2);
		assertThat(events.failed).singleElement().isInstanceOf(IllegalStateException.class);
		List<FailedJob> failed = operations(settings).failedJobs(this.queue, 0, 10);
		assertThat(failed).singleElement().satisfies((job) -> {
			assertThat(job.id()).isEqualTo(pushed.id());
			assertThat(job.jobName()).isEqualTo("boom");
			assertThat(job.attempts()).isEqualTo(3);
			assertThat(job.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
			assertThat(job.reason()).contains("no stock for item-7");
		});
	}

	@Test
	void nonRetryableExceptionFailsAtOnce() {
		QueueSettings settings = settings().maxAttempts(5).nonRetryableExceptions(IllegalArgumentException.class).build();
		AtomicInteger calls = new AtomicInteger();
		start(QueueWorker.builder(settings, redis).job("bad", String.class, (s, context) -> {
			calls.incrementAndGet();
			throw new NumberFormatException("not a number: " + s);
		}));
		client(settings).push(this.queue, "bad", "x");
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(calls).hasValue(1);
	}

	@Test
	void perJobOverridesWinOverTheQueue() {
		QueueSettings settings = settings().maxAttempts(5).build();
		AtomicInteger calls = new AtomicInteger();
		start(QueueWorker.builder(settings, redis).job(new JobDefinition<String>("once", String.class, (s, context) -> {
			calls.incrementAndGet();
			throw new IllegalStateException();
		}, 1, null, null)));
		client(settings).push(this.queue, "once", "x");
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(calls).hasValue(1);
	}

	@Test
	void retriesFollowTheFixedBackoff() {
		assertRetryGaps(RetryBackoff.fixed(Duration.ofMillis(300)), List.of(300L, 300L));
	}

	@Test
	void retriesFollowTheScheduleRepeatingItsLastDelay() {
		assertRetryGaps(RetryBackoff.schedule(List.of(Duration.ofMillis(100), Duration.ofMillis(400))),
				List.of(100L, 400L, 400L));
	}

	@Test
	void retriesFollowTheExponentialBackoff() {
		assertRetryGaps(RetryBackoff.exponential(Duration.ofMillis(100), 3, Duration.ofMillis(500), 0),
				List.of(100L, 300L, 500L));
	}

	private void assertRetryGaps(RetryBackoff backoff, List<Long> expectedGaps) {
		QueueSettings settings = settings().retryBackoff(backoff).maxAttempts(expectedGaps.size() + 1).build();
		List<Long> startedAt = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("flaky", String.class, (s, context) -> {
			startedAt.add(System.nanoTime());
			throw new IllegalStateException("attempt " + context.attempt());
		}));
		client(settings).push(this.queue, "flaky", "x");
		await().atMost(Duration.ofSeconds(15)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(startedAt).hasSize(expectedGaps.size() + 1);
		for (int i = 0; i < expectedGaps.size(); i++) {
			long gapMillis = TimeUnit.NANOSECONDS.toMillis(startedAt.get(i + 1) - startedAt.get(i));
			// Redis's clock has millisecond steps: allow 2 ms of rounding, never an early retry
			assertThat(gapMillis).as("gap before attempt %d", i + 2).isGreaterThanOrEqualTo(expectedGaps.get(i) - 2);
		}
	}

	@Test
	void handlerRunningPastItsTimeoutIsInterruptedAndRetried() {
		QueueSettings settings = settings().handleTimeout(Duration.ofMillis(300)).maxAttempts(2).build();
		RecordingObserver events = new RecordingObserver();
		List<Boolean> interrupted = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).observer(events).job("slow", String.class, (s, context) -> {
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				interrupted.add(true);
				throw ex;
			}
		}));
		client(settings).push(this.queue, "slow", "x");
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		assertThat(interrupted).hasSize(2);
		// listeners hear of the last attempt once Redis has it parked: wait for them rather than race them
		await().atMost(Duration.ofSeconds(5)).until(() -> events.outcomes().size() == 2);
		assertThat(events.outcomes()).containsExactly(JobOutcome.TIMED_OUT, JobOutcome.TIMED_OUT);
		assertThat(events.retried).singleElement().isInstanceOf(JobTimeoutException.class);
		assertThat(operations(settings).failedJobs(this.queue, 0, 1).get(0).exceptionClass())
			.isEqualTo(JobTimeoutException.class.getName());
	}

	@Test
	void handleTimeoutTimersOfFinishedJobsAreNotKept() {
		QueueSettings settings = settings().handleTimeout(Duration.ofSeconds(30)).build();
		AtomicInteger handled = new AtomicInteger();
		QueueWorker worker = start(
				QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.incrementAndGet()));
		// the periodic ones: the lease renewal and the handle-timeout watch
		int periodic = worker.pendingTimers();
		assertThat(periodic).isLessThanOrEqualTo(2);
		List<PushRequest> jobs = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			jobs.add(PushRequest.of("n", i));
		}
		client(settings).pushAll(this.queue, jobs);
		await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() == 500);
		// a timer per job left queued would stay for the whole 30 s
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(worker.pendingTimers())
			.as("timers still queued after 500 jobs with a 30 s handle timeout").isLessThanOrEqualTo(periodic));
	}

	@Test
	void timedOutHandlerThatIgnoresInterruptsKeepsItsSlotUntilItReturns() throws Exception {
		QueueSettings settings = settings().handleTimeout(Duration.ofMillis(200)).maxAttempts(1).concurrency(1).build();
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		QueueWorker worker = start(QueueWorker.builder(settings, redis).job("stubborn", String.class, (s, context) -> {
			started.incrementAndGet();
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (release.getCount() > 0 && System.nanoTime() < until) {
				Thread.onSpinWait();
			}
		}));
		QueueClient client = client(settings);
		client.push(this.queue, "stubborn", "first");
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		client.push(this.queue, "stubborn", "second");
		Thread.sleep(500);
		assertThat(started).hasValue(1);
		assertThat(worker.activeJobs()).isEqualTo(1);
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2);
	}

	@Test
	void handlerCanAskForRetryRequeueAndDrop() {
		QueueSettings settings = settings().maxAttempts(2).build();
		RecordingObserver events = new RecordingObserver();
		List<String> calls = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).observer(events).job("explicit", String.class, (mode, context) -> {
			calls.add(mode + "#" + context.attempt());
			switch (mode) {
				case "retry" -> context.retry(Duration.ofMillis(50));
				case "requeue" -> {
					if (calls.stream().filter((c) -> c.startsWith("requeue")).count() < 3) {
						context.requeue(Duration.ZERO);
					}
				}
				case "drop" -> context.drop("not needed any more");
				default -> throw new IllegalArgumentException(mode);
			}
		}));
		QueueClient client = client(settings);
		client.push(this.queue, "explicit", "retry");
		client.push(this.queue, "explicit", "requeue");
		client.push(this.queue, "explicit", "drop");
		await().atMost(Duration.ofSeconds(10)).until(() -> events.finished.size() == 2 + 3 + 1);
		// retry: two attempts then failed, never silently dropped (Hyperf's RETRY drops it)
		assertThat(calls).contains("retry#1", "retry#2");
		// requeue: does not count attempts, so the third run is still attempt 1
		assertThat(calls).containsSubsequence("requeue#1", "requeue#1", "requeue#1");
		assertThat(events.outcomes()).contains(JobOutcome.REQUEUED, JobOutcome.DROPPED, JobOutcome.RETRIED,
				JobOutcome.FAILED, JobOutcome.SUCCEEDED);
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 0, 0, 0, 1, 0));
	}

	@Test
	void throwingListenerDoesNotChangeTheOutcome() {
		QueueSettings settings = settings().build();
		RecordingObserver events = new RecordingObserver();
		QueueObserver broken = new QueueObserver() {
			@Override
			public void beforeHandle(JobInfo job) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
				throw new IllegalStateException("listener bug");
			}
		};
		start(QueueWorker.builder(settings, redis).observer(broken).observer(events).job("n", Integer.class,
				(n, context) -> {
				}));
		client(settings).push(this.queue, "n", 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> events.finished.size() == 1);
		assertThat(events.outcomes()).containsExactly(JobOutcome.SUCCEEDED);
		assertThat(operations(settings).counts(this.queue).failed()).isZero();
	}

	@Test
	void unreadableJobsAreParkedWithTheirReasonAndTheConsumerCarriesOn() {
		QueueSettings settings = settings().build();
		QueueKeys keys = keys(settings);
		List<Integer> handled = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.add(n)));
		redisCommands().hset(keys.jobs(), "malformed", "{not json");
		redisCommands().hset(keys.jobs(), "nameless", "{\"payload\":1}");
		redisCommands().hset(keys.jobs(), "unknown", "{\"job\":\"gone\",\"payload\":1}");
		redisCommands().hset(keys.jobs(), "misfit", "{\"job\":\"n\",\"payload\":{\"a\":1}}");
		redisCommands().rpush(keys.waiting(), "malformed", "nameless", "unknown", "misfit");
		client(settings).push(this.queue, "n", 42);
		await().atMost(Duration.ofSeconds(10)).until(() -> operations(settings).counts(this.queue).failed() == 4);
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(42));
		Map<String, String> reasons = new java.util.HashMap<>();
		operations(settings).failedJobs(this.queue, 0, 10).forEach((job) -> reasons.put(job.id(), job.reason()));
		assertThat(reasons.get("malformed")).startsWith("malformed envelope");
		assertThat(reasons.get("nameless")).contains("no \"job\" name");
		assertThat(reasons.get("unknown")).contains("unknown job 'gone'");
		assertThat(reasons.get("misfit")).contains("payload does not fit java.lang.Integer");
	}

	@Test
	void concurrencyOneRunsJobsStrictlyOneAtATime() {
		QueueSettings settings = settings().concurrency(1).consumers(2).build();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger maxRunning = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		start(QueueWorker.builder(settings, redis).job("serial", Integer.class, (n, context) -> {
			maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			Thread.sleep(2);
			running.decrementAndGet();
			done.incrementAndGet();
		}));
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			requests.add(PushRequest.of("serial", i));
		}
		client(settings).pushAll(this.queue, requests);
		await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == 200);
		assertThat(maxRunning).hasValue(1);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void handlersCanRunOnVirtualThreads() {
		QueueSettings settings = settings().concurrency(50).build();
		List<Boolean> virtual = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).threadFactory(ThreadFactories.virtual("vt-"))
			.job("n", Integer.class, (n, context) -> {
				Thread.sleep(100);
				virtual.add(isVirtual(Thread.currentThread()));
			}));
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			requests.add(PushRequest.of("n", i));
		}
		client(settings).pushAll(this.queue, requests);
		await().atMost(Duration.ofSeconds(30)).until(() -> virtual.size() == 200);
		assertThat(virtual).containsOnly(true);
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void virtualThreadsExplainWhyTheyAreMissingOnOlderJava() {
		org.assertj.core.api.Assertions.assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> ThreadFactories.virtual("vt-"))
			.withMessageContaining("Java 21");
	}

	private static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	@Test
	void queueLengthIsSampledForListeners() {
		QueueSettings settings = settings().build();
		RecordingObserver events = new RecordingObserver();
		client(settings).push(this.queue, "n", 1, PushOptions.delay(Duration.ofHours(1)));
		start(QueueWorker.builder(settings, redis).observer(events).queueLengthInterval(Duration.ofMillis(100)));
		await().atMost(Duration.ofSeconds(10)).until(() -> !events.lengths.isEmpty());
		assertThat(events.lengths.get(0)).isEqualTo(new QueueCounts(this.queue, 0, 1, 0, 0, 0));
	}

}
