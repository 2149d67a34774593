package io.asyncqueue.core.worker;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The handshake that keeps a timeout's interrupt from reaching the next job of the same thread. */
class ExecutionTest {

	@Test
	void anInterruptOnItsWayIsDeliveredAndClearedBeforeTheThreadMovesOn() throws Exception {
		CountDownLatch interrupting = new CountDownLatch(1);
		CountDownLatch deliver = new CountDownLatch(1);
		AtomicReference<Execution> execution = new AtomicReference<>();
		CountDownLatch created = new CountDownLatch(1);
		CountDownLatch handlerReturned = new CountDownLatch(1);
		AtomicBoolean completed = new AtomicBoolean(true);
		AtomicBoolean nextJobSawAnInterrupt = new AtomicBoolean();
		CountDownLatch timerDone = new CountDownLatch(1);
		// A handler thread whose interrupt() is slow to arrive: the timer has taken the job over but the interrupt
		// has not landed yet when the handler returns, the exact window in which it used to hit the next job.
		Thread handler = new Thread(() -> {
			Execution running = new Execution(new ReservedJob("id", 1, "1", "{}", System.nanoTime()),
					Thread.currentThread());
			execution.set(running);
			created.countDown();
			await(interrupting);
			completed.set(running.complete());
			handlerReturned.countDown();
			running.clearInterrupt();
			// the next job starts here and runs until the timeout's interrupt has certainly been sent
			await(timerDone);
			nextJobSawAnInterrupt.set(Thread.currentThread().isInterrupted());
		}) {
			@Override
			public void interrupt() {
				interrupting.countDown();
				ExecutionTest.await(deliver);
				super.interrupt();
			}
		};
		handler.start();
		assertThat(created.await(5, TimeUnit.SECONDS)).isTrue();
		Thread timer = new Thread(() -> {
			execution.get().timeOut();
			timerDone.countDown();
		});
		timer.start();
		assertThat(handlerReturned.await(5, TimeUnit.SECONDS)).isTrue();
		// the handler has returned and found the job taken over; only now does the interrupt arrive
		Thread.sleep(50);
		deliver.countDown();
		handler.join(5_000);
		timer.join(5_000);
		assertThat(completed).isFalse();
		assertThat(nextJobSawAnInterrupt).isFalse();
	}

	@Test
	void aJobThatCompletedFirstIsNeitherTimedOutNorInterrupted() {
		Execution execution = new Execution(new ReservedJob("id", 1, "1", "{}", System.nanoTime()),
				Thread.currentThread());
		assertThat(execution.complete()).isTrue();
		assertThat(execution.timeOut()).isFalse();
		execution.clearInterrupt();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	static void await(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
