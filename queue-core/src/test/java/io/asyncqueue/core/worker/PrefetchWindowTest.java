package io.asyncqueue.core.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RateLimit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prefetch a worker adapts when none is set: up while its handlers finish jobs faster than a fetch round
 * trip, at the default for longer jobs, back to it when a limit holds jobs back; a set one never moves. The
 * benchmark measures what it buys (queue-benchmark's README).
 */
class PrefetchWindowTest {

	private static final long ROUND_TRIP = TimeUnit.MICROSECONDS.toNanos(300);

	@Test
	void jobsOfAFewMicrosecondsRaiseTheUnsetPrefetchToItsCeiling() {
		QueueSettings settings = QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).build();
		PrefetchWindow window = new PrefetchWindow(settings);
		assertThat(settings.prefetchAdapts()).isTrue();
		assertThat(window.prefetch()).as("the default to start with").isEqualTo(2);
		assertThat(window.slots().availablePermits()).isEqualTo(4);
		assertThat(window.maxReserved()).as("two fetch batches").isEqualTo(16);

		finish(window, 4, TimeUnit.MICROSECONDS.toNanos(5));
		window.fetched(ROUND_TRIP, false);

		assertThat(window.prefetch()).isEqualTo(14);
		assertThat(window.slots().availablePermits()).isEqualTo(16);
	}

	@Test
	void jobsLongerThanARoundTripKeepTheDefault() {
		PrefetchWindow window = new PrefetchWindow(QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).build());
		finish(window, 4, TimeUnit.MILLISECONDS.toNanos(1));
		window.fetched(ROUND_TRIP, false);
		assertThat(window.prefetch()).isEqualTo(2);
		assertThat(window.slots().availablePermits()).isEqualTo(4);
	}

	@Test
	void beforeAnyJobHasRunThePrefetchStaysAtTheDefault() {
		PrefetchWindow window = new PrefetchWindow(QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).build());
		window.fetched(ROUND_TRIP, false);
		assertThat(window.prefetch()).isEqualTo(2);
	}

	@Test
	void aFetchThatALimitHeldBackShrinksItToTheDefaultAsReservedJobsComeBack() {
		PrefetchWindow window = new PrefetchWindow(QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).build());
		finish(window, 4, TimeUnit.MICROSECONDS.toNanos(5));
		window.fetched(ROUND_TRIP, false);
		assertThat(window.slots().tryAcquire(16)).as("16 jobs reserved").isTrue();

		window.fetched(ROUND_TRIP, true);
		assertThat(window.prefetch()).isEqualTo(2);
		// the permits of jobs still out are taken back as they return: 12 of the 16 never come back to the pool
		for (int i = 0; i < 16; i++) {
			window.jobDone(TimeUnit.MILLISECONDS.toNanos(1));
		}
		assertThat(window.slots().availablePermits()).as("without another fetch").isEqualTo(4);
	}

	@Test
	void afterALimitHeldJobsBackTheWindowStaysAtTheDefaultEvenWhenTheNextFetchIsFull() {
		PrefetchWindow window = new PrefetchWindow(QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).build());
		finish(window, 4, TimeUnit.MICROSECONDS.toNanos(5));
		window.fetched(ROUND_TRIP, true);
		window.fetched(ROUND_TRIP, false);
		assertThat(window.prefetch()).isEqualTo(2);
	}

	@Test
	void slotsOfJobsPutBackUnstartedPayTheShrinkToo() {
		PrefetchWindow window = new PrefetchWindow(QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).build());
		finish(window, 4, TimeUnit.MICROSECONDS.toNanos(5));
		window.fetched(ROUND_TRIP, false);
		assertThat(window.slots().tryAcquire(16)).isTrue();
		window.fetched(ROUND_TRIP, true);
		// reserved-ahead jobs put back by the lease keeper, not a fetch: the quiet-queue rule (available
		// permits beyond the prefetch mean a free handler) holds as soon as they are back
		window.giveBack(16);
		assertThat(window.slots().availablePermits()).isEqualTo(4);
	}

	@Test
	void aSetPrefetchOrALimitKeepsItFixed() {
		QueueSettings set = QueueSettings.builder("q").concurrency(2).fetchBatchSize(8).prefetch(1).build();
		QueueSettings limited = QueueSettings.builder("r").concurrency(2).fetchBatchSize(8)
			.rateLimit(RateLimit.of(100, Duration.ofSeconds(1))).build();
		assertThat(set.prefetchAdapts()).isFalse();
		assertThat(limited.prefetchAdapts()).isFalse();
		for (QueueSettings settings : new QueueSettings[] { set, limited }) {
			PrefetchWindow window = new PrefetchWindow(settings);
			int reservable = settings.concurrency() + settings.prefetch();
			finish(window, 4, TimeUnit.MICROSECONDS.toNanos(5));
			window.fetched(ROUND_TRIP, false);
			assertThat(window.prefetch()).isEqualTo(settings.prefetch());
			assertThat(window.maxReserved()).isEqualTo(reservable);
			assertThat(window.slots().availablePermits()).isEqualTo(reservable);
		}
	}

	/** Jobs taken and done, each in {@code nanos}: their permits go out and come back. */
	private static void finish(PrefetchWindow window, int jobs, long nanos) {
		for (int i = 0; i < jobs; i++) {
			assertThat(window.slots().tryAcquire()).isTrue();
			window.jobDone(nanos);
		}
	}

}
