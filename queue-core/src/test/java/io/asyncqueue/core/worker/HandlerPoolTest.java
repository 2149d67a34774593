package io.asyncqueue.core.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.ThreadFactories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HandlerPoolTest {

	private final List<HandlerPool> pools = new ArrayList<>();

	@AfterEach
	void shutDown() {
		this.pools.forEach(HandlerPool::shutdownNow);
	}

	private HandlerPool pool(int size, long keepAliveMillis) {
		HandlerPool pool = new HandlerPool(size, keepAliveMillis, TimeUnit.MILLISECONDS,
				ThreadFactories.platform("handler-pool-test-"));
		this.pools.add(pool);
		return pool;
	}

	@Test
	void longJobsRunOnEveryThreadAtOnce() throws InterruptedException {
		// the fewer-wake-ups rule must never leave a job waiting behind another job while a thread is free
		HandlerPool pool = pool(16, 60_000);
		CountDownLatch allStarted = new CountDownLatch(16);
		CountDownLatch release = new CountDownLatch(1);
		for (int i = 0; i < 16; i++) {
			pool.execute(() -> {
				allStarted.countDown();
				awaitQuietly(release);
			});
		}
		assertThat(allStarted.await(30, TimeUnit.SECONDS)).as("16 blocking jobs running at once").isTrue();
		release.countDown();
	}

	@Test
	void neverMoreThreadsThanItsSize() throws InterruptedException {
		HandlerPool pool = pool(4, 60_000);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(400);
		for (int i = 0; i < 400; i++) {
			pool.execute(() -> {
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				sleepQuietly(1);
				running.decrementAndGet();
				done.countDown();
			});
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(most.get()).isBetween(1, 4);
		assertThat(pool.threads()).isLessThanOrEqualTo(4);
	}

	@Test
	void noTaskIsLostWhenManyThreadsSubmitWhileHandlersParkAndWake() throws InterruptedException {
		HandlerPool pool = pool(8, 60_000);
		int producers = 4;
		int perProducer = 50_000;
		AtomicInteger ran = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(producers * perProducer);
		List<Thread> threads = new ArrayList<>();
		for (int p = 0; p < producers; p++) {
			Thread producer = new Thread(() -> {
				for (int i = 0; i < perProducer; i++) {
					pool.execute(() -> {
						ran.incrementAndGet();
						done.countDown();
					});
					if (i % 64 == 0) {
						// let the handlers run dry and park now and then
						Thread.yield();
					}
				}
			});
			threads.add(producer);
			producer.start();
		}
		for (Thread producer : threads) {
			producer.join();
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).as("%d of %d tasks ran", ran.get(), producers * perProducer)
			.isTrue();
	}

	@Test
	void aTaskSubmittedToAPoolWhoseThreadsAllParkedRuns() throws InterruptedException {
		HandlerPool pool = pool(3, 60_000);
		for (int round = 0; round < 200; round++) {
			CountDownLatch done = new CountDownLatch(1);
			pool.execute(done::countDown);
			assertThat(done.await(30, TimeUnit.SECONDS)).as("round %d", round).isTrue();
		}
		assertThat(pool.threads()).isBetween(1, 3);
	}

	@Test
	void idleThreadsEndAfterTheKeepAliveAndNewOnesStartForNewJobs() throws InterruptedException {
		HandlerPool pool = pool(4, 50);
		CountDownLatch first = new CountDownLatch(4);
		for (int i = 0; i < 4; i++) {
			pool.execute(first::countDown);
		}
		assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
		await().atMost(30, TimeUnit.SECONDS).until(() -> pool.threads() == 0);
		CountDownLatch second = new CountDownLatch(1);
		pool.execute(second::countDown);
		assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void anInterruptMeantForOneJobDoesNotReachTheNext() throws InterruptedException {
		HandlerPool pool = pool(1, 60_000);
		pool.execute(() -> Thread.currentThread().interrupt());
		AtomicBoolean interrupted = new AtomicBoolean(true);
		CountDownLatch done = new CountDownLatch(1);
		pool.execute(() -> {
			interrupted.set(Thread.currentThread().isInterrupted());
			done.countDown();
		});
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(interrupted).isFalse();
	}

	@Test
	void aJobThatThrowsDoesNotCostTheThread() throws InterruptedException {
		HandlerPool pool = pool(1, 60_000);
		pool.execute(() -> {
			throw new IllegalStateException("expected by the test");
		});
		CountDownLatch done = new CountDownLatch(1);
		pool.execute(done::countDown);
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(pool.threads()).isEqualTo(1);
	}

	@Test
	void shutdownNowInterruptsRunningJobsRefusesNewOnesAndEndsEveryThread() throws InterruptedException {
		HandlerPool pool = pool(2, 60_000);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		pool.execute(() -> {
			started.countDown();
			try {
				Thread.sleep(60_000);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
			}
		});
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		pool.shutdownNow();
		assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
		assertThatThrownBy(() -> pool.execute(() -> {
		})).isInstanceOf(RejectedExecutionException.class);
		await().atMost(30, TimeUnit.SECONDS).until(() -> pool.threads() == 0);
	}

	@Test
	void aWokenThreadThatGetsNoCpuDoesNotHoldBackTheNextJob() throws InterruptedException {
		// the first thread stands for one the OS has not scheduled yet: it counts as searching but does not run
		CountDownLatch scheduled = new CountDownLatch(1);
		AtomicInteger made = new AtomicInteger();
		HandlerPool pool = new HandlerPool(2, 60_000, TimeUnit.MILLISECONDS, (runnable) -> {
			Runnable body = (made.incrementAndGet() == 1) ? () -> {
				awaitQuietly(scheduled);
				runnable.run();
			} : runnable;
			Thread thread = new Thread(body, "handler-pool-test-unscheduled-" + made.get());
			thread.setDaemon(true);
			return thread;
		});
		this.pools.add(pool);
		CountDownLatch ran = new CountDownLatch(1);
		pool.execute(ran::countDown);
		Thread.sleep(20);
		pool.execute(ran::countDown);
		try {
			assertThat(ran.await(30, TimeUnit.SECONDS)).as("a job ran while the first thread had no CPU").isTrue();
		}
		finally {
			scheduled.countDown();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
