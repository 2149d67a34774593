package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs fetched ahead of free handlers ({@link QueueSettings#prefetch()}): held under a renewed lease,
 * put back unstarted by a stop, and never taken from a quiet queue by a process whose handlers are busy.
 */
class PrefetchTest extends RedisTestSupport {

	@Test
	void jobsFetchedAheadKeepTheirLeaseWhileTheyWaitForAHandler() {
		QueueSettings settings = settings().concurrency(1).prefetch(2).leaseDuration(Duration.ofMillis(600)).build();
		RecordingObserver events = new RecordingObserver();
		start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class, (n, context) -> {
			Thread.sleep(1000);
		}));
		client(settings).pushAll(this.queue, List.of(PushRequest.of("n", 1), PushRequest.of("n", 2),
				PushRequest.of("n", 3)));
		// the first job runs while the other two are reserved here: both wait longer than the lease
		await().atMost(Duration.ofSeconds(5))
			.until(() -> operations(settings).counts(this.queue).reserved() == 3);
		await().atMost(Duration.ofSeconds(15)).until(() -> events.finished.size() == 3);
		assertThat(events.outcomes()).containsOnly(JobOutcome.SUCCEEDED);
		assertThat(events.started).extracting(JobInfo::attempt).containsOnly(1);
		assertThat(events.recovered).isEmpty();
	}

	@Test
	void stopPutsJobsFetchedAheadBackUnstartedAndUncounted() throws Exception {
		QueueSettings settings = settings().concurrency(1).prefetch(3).build();
		CountDownLatch started = new CountDownLatch(1);
		QueueWorker worker = start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			started.countDown();
			Thread.sleep(300);
		}));
		client(settings).pushAll(this.queue, List.of(PushRequest.of("n", 1), PushRequest.of("n", 2),
				PushRequest.of("n", 3), PushRequest.of("n", 4)));
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> operations(settings).counts(this.queue).reserved() == 4);
		worker.stop(Duration.ofSeconds(5));
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 3, 0, 0, 0, 0));
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		List<Integer> order = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			attempts.add(context.attempt());
			order.add(n);
		}));
		await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 3);
		assertThat(attempts).containsOnly(1);
		assertThat(order).as("back at the head of waiting, in their order").containsExactly(2, 3, 4);
	}

	@Test
	void aJobPushedToAQuietQueueGoesToAnIdleProcessNotBehindBusyHandlers() throws Exception {
		QueueSettings settings = settings().concurrency(1).prefetch(5).build();
		CountDownLatch busyStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> ranBy = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			ranBy.add("busy:" + n);
			busyStarted.countDown();
			release.await();
		}));
		client(settings).push(this.queue, "n", 1);
		assertThat(busyStarted.await(10, TimeUnit.SECONDS)).isTrue();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> ranBy.add("idle:" + n)));
		Thread.sleep(200);
		client(settings).push(this.queue, "n", 2);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> ranBy.contains("idle:2"));
		}
		finally {
			release.countDown();
		}
		assertThat(ranBy).containsExactly("busy:1", "idle:2");
	}

}
