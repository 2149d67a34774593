package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GracefulStopTest extends RedisTestSupport {

	@Test
	void stopLetsRunningJobsFinishWithinTheGracePeriod() throws Exception {
		QueueSettings settings = settings().concurrency(4).build();
		CountDownLatch started = new CountDownLatch(4);
		List<String> finished = new CopyOnWriteArrayList<>();
		QueueWorker worker = start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			started.countDown();
			Thread.sleep(500);
			finished.add(context.id());
		}));
		for (int i = 0; i < 10; i++) {
			client(settings).push(this.queue, "n", i);
		}
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		worker.stop(Duration.ofSeconds(10));
		assertThat(finished).hasSize(4);
		QueueCounts counts = operations(settings).counts(this.queue);
		assertThat(counts).isEqualTo(new QueueCounts(this.queue, 6, 0, 0, 0, 0));
	}

	@Test
	void stopPutsUnfinishedJobsBackAtOnceWithoutCountingTheAttempt() throws Exception {
		QueueSettings settings = settings().concurrency(3).leaseDuration(Duration.ofMinutes(5)).build();
		CountDownLatch started = new CountDownLatch(3);
		List<Boolean> interrupted = new CopyOnWriteArrayList<>();
		RecordingObserver events = new RecordingObserver();
		QueueWorker worker = start(QueueWorker.builder(settings, redis).observer(events).job("n", Integer.class,
				(n, context) -> {
					started.countDown();
					try {
						Thread.sleep(60_000);
					}
					catch (InterruptedException ex) {
						interrupted.add(true);
						throw ex;
					}
				}));
		for (int i = 0; i < 3; i++) {
			client(settings).push(this.queue, "n", i);
		}
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		long stopping = System.nanoTime();
		worker.stop(Duration.ofMillis(200));
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)).isLessThan(10_000);
		// back to waiting now, not after the 5-minute lease
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 3, 0, 0, 0, 0));
		await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.size() == 3);
		assertThat(events.outcomes()).containsOnly(JobOutcome.RELEASED).hasSize(3);
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> attempts.add(context.attempt())));
		await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 3);
		assertThat(attempts).containsOnly(1);
	}

	@Test
	void stoppedWorkerFetchesNothingMore() throws Exception {
		QueueSettings settings = settings().build();
		List<Integer> handled = new CopyOnWriteArrayList<>();
		QueueWorker worker = start(QueueWorker.builder(settings, redis).job("n", Integer.class,
				(n, context) -> handled.add(n)));
		worker.stop();
		assertThat(worker.isRunning()).isFalse();
		client(settings).push(this.queue, "n", 1);
		Thread.sleep(500);
		assertThat(handled).isEmpty();
		assertThat(operations(settings).counts(this.queue).waiting()).isEqualTo(1);
	}

}
