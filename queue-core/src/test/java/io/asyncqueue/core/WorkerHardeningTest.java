package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Defects an expert review found in the worker, each shown by a test that failed before its fix. */
class WorkerHardeningTest extends RedisTestSupport {

	@Test
	void aJobReservedAheadOfHandlersThatHangIsPutBackForAnotherWorker() throws Exception {
		QueueSettings settings = settings().concurrency(1).prefetch(1).leaseDuration(Duration.ofMillis(900))
			.handleTimeout(Duration.ZERO).build();
		CountDownLatch hung = new CountDownLatch(1);
		AtomicBoolean release = new AtomicBoolean();
		Set<Integer> ranByFirst = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			ranByFirst.add(n);
			hung.countDown();
			// a handler that ignores interrupts and never returns while the test runs
			while (!release.get()) {
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					// ignored on purpose
				}
			}
		}));
		// a backlog: the first worker starts job 1 and, with prefetch 1, reserves job 2 ahead behind its hung handler
		client(settings).pushAll(this.queue,
				List.of(PushRequest.of("n", 1), PushRequest.of("n", 2), PushRequest.of("n", 3)));
		assertThat(hung.await(5, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> operations(settings).counts(this.queue).reserved() == 2);
		Set<Integer> ranBySecond = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> ranBySecond.add(n)));
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> ranBySecond.containsAll(List.of(2, 3)));
			assertThat(ranByFirst).containsExactly(1);
		}
		finally {
			release.set(true);
		}
	}

	@Test
	void timedOutJobsAreSettledOnTheWorkersOwnThreadsNotTheCommonPool() {
		QueueSettings settings = settings().maxAttempts(1).handleTimeout(Duration.ofMillis(100)).build();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class, (n, context) -> {
			Thread.sleep(5_000);
		}));
		client(settings).push(this.queue, "n", 1);
		await().atMost(Duration.ofSeconds(5)).until(() -> !events.finished.isEmpty());
		RecordingObserver.Finished finished = events.finished.get(0);
		assertThat(finished.outcome()).isEqualTo(JobOutcome.TIMED_OUT);
		assertThat(finished.thread()).startsWith("async-queue-" + this.queue + "-");
	}

	@Test
	void aSlowListenerHoldsHandlersBackInsteadOfQueueingOutcomesWithoutBound() {
		QueueSettings settings = settings().concurrency(8).build();
		int jobs = 2_500;
		AtomicInteger heard = new AtomicInteger();
		QueueObserver slow = new QueueObserver() {
			@Override
			public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
				heard.incrementAndGet();
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		};
		client(settings).pushAll(this.queue,
				java.util.stream.IntStream.range(0, jobs).mapToObj((i) -> PushRequest.of("n", i)).toList());
		QueueWorker worker = start(QueueWorker.builder(settings, redis).observer(slow).job("n", Integer.class,
				(n, context) -> {
				}));
		int most = 0;
		while (heard.get() < jobs) {
			most = Math.max(most, worker.outstandingSettles());
			sleep(5);
		}
		// the bound is max(1024, 4 × (concurrency + prefetch)); without it, all 2 500 would be outstanding at once
		assertThat(most).isBetween(900, 1024);
	}

	@Test
	void aDropReasonReachesListeners() {
		QueueSettings settings = settings().build();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class,
				(n, context) -> context.drop("customer " + n + " closed the account")));
		client(settings).push(this.queue, "n", 7);
		await().atMost(Duration.ofSeconds(5)).until(() -> !events.finished.isEmpty());
		assertThat(events.finished.get(0).outcome()).isEqualTo(JobOutcome.DROPPED);
		assertThat(events.finished.get(0).reason()).isEqualTo("customer 7 closed the account");
	}

	@Test
	void aJobThatKeepsAskingForRetriesFailsWithAReasonThatNamesNoInternalClass() {
		QueueSettings settings = settings().maxAttempts(2).build();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class,
				(n, context) -> context.retry()));
		client(settings).push(this.queue, "n", 1);
		await().atMost(Duration.ofSeconds(5)).until(() -> operations(settings).counts(this.queue).failed() == 1);
		List<FailedJob> failed = operations(settings).failedJobs(this.queue, 0, 10);
		assertThat(failed.get(0).reason()).isEqualTo("Job 'n' asked for a retry (JobContext.retry)");
		assertThat(failed.get(0).reason()).doesNotContain("$");
		await().atMost(Duration.ofSeconds(5)).until(() -> events.failed.size() == 1);
		assertThat(events.failed.get(0)).isInstanceOf(RetryRequestedException.class);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
