package io.asyncqueue.core.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncqueue.core.QueueSettings;

/**
 * The slots of one worker's reserved jobs (one permit per job it may hold reserved, running or waiting for a
 * handler) and how many of them may be reserved ahead, beyond the concurrency: the prefetch.
 *
 * <p>A prefetch set in the queue's settings is fixed. Left unset on a queue without limits, it adapts: enough
 * jobs to keep every handler busy through one fetch round trip at the pace its handlers finish jobs, never
 * fewer than the default (the concurrency) and never more than {@link #ceiling(QueueSettings)}. Jobs that take
 * longer than a round trip (most real jobs: a millisecond is several round trips' worth of work here) keep it at
 * the default; jobs of a few microseconds raise it, so that one fetch reserves a full batch while the handlers
 * still have one to run instead of going idle for every round trip. A fetch that a limit held back (a rate limit
 * or a global concurrency set at run time, a handler's back-off) puts it back to the default for ten seconds,
 * since a job reserved ahead there holds a slot or was counted before it starts. (A grouped job reserved ahead
 * holds its group's slot while it waits, as with any prefetch.)
 */
public final class PrefetchWindow {

	/** Weight of the newest sample in the moving averages: 1/8. */
	private static final int SMOOTHING_SHIFT = 3;

	private final Semaphore slots;

	private final int concurrency;

	private final int floor;

	private final int ceiling;

	private final boolean adapts;

	/** Moving average of a handler's time per job, in nanoseconds; 0 until the first job. */
	private volatile long serviceNanos;

	/** Moving average of a fetch's round trip, in nanoseconds; 0 until the first fetch. Guarded by this. */
	private long roundTripNanos;

	private volatile int prefetch;

	/** Permits the window shrank by that are still out with jobs: kept, rather than given back, as they return. */
	private final AtomicInteger debt = new AtomicInteger();

	/** Until when ({@link System#nanoTime()}) the window stays at its floor after a limit held jobs back. */
	private long heldBackUntil;

	/** How long the window stays at its floor once a limit held jobs back. */
	private static final long HELD_BACK_NANOS = TimeUnit.SECONDS.toNanos(10);

	/**
	 * The window of a queue's worker.
	 * @param settings the queue
	 */
	public PrefetchWindow(QueueSettings settings) {
		this.concurrency = settings.concurrency();
		this.floor = settings.prefetch();
		this.adapts = settings.prefetchAdapts();
		this.ceiling = this.adapts ? ceiling(settings) : this.floor;
		this.prefetch = this.floor;
		this.slots = new Semaphore(this.concurrency + this.floor);
		// nanoTime's origin is arbitrary and may be negative: "not held back" starts from now, never from 0
		this.heldBackUntil = System.nanoTime();
	}

	/**
	 * The most an adapting prefetch grows to: twice a fetch batch in all (so that one batch can be fetched while
	 * the handlers still have another), or the default where that is more.
	 * @param settings the queue
	 * @return the prefetch's ceiling
	 */
	public static int ceiling(QueueSettings settings) {
		return Math.max(settings.prefetch(), 2 * settings.fetchBatchSize() - settings.concurrency());
	}

	/**
	 * One permit per job this process may hold reserved; a fetch takes one per job it reserves.
	 * @return the permits
	 */
	public Semaphore slots() {
		return this.slots;
	}

	/** The prefetch now. */
	public int prefetch() {
		return this.prefetch;
	}

	/** The most jobs this process holds reserved at once, at the ceiling. */
	public int maxReserved() {
		return this.concurrency + this.ceiling;
	}

	/**
	 * A handler is done with a job: its slot is free again.
	 * @param nanos how long the handler took
	 */
	void jobDone(long nanos) {
		if (this.adapts) {
			long average = this.serviceNanos;
			this.serviceNanos = (average == 0) ? Math.max(nanos, 1) : average + ((nanos - average) >> SMOOTHING_SHIFT);
		}
		giveBack(1);
	}

	/**
	 * Slots of jobs that are over or will not start here come back: to the fetchers, less what the window shrank
	 * by while they were out.
	 * @param permits how many
	 */
	public void giveBack(int permits) {
		int owed = (this.debt.get() == 0) ? 0 : this.debt.getAndUpdate((debt) -> Math.max(0, debt - permits));
		int kept = Math.min(owed, permits);
		if (permits > kept) {
			this.slots.release(permits - kept);
		}
	}

	/**
	 * A fetch came back: move the window toward what the last round trips and jobs call for.
	 * @param nanos the fetch's round trip
	 * @param heldBack whether a limit held jobs back in it
	 */
	synchronized void fetched(long nanos, boolean heldBack) {
		if (!this.adapts) {
			return;
		}
		this.roundTripNanos = (this.roundTripNanos == 0) ? nanos
				: this.roundTripNanos + ((nanos - this.roundTripNanos) >> SMOOTHING_SHIFT);
		long service = this.serviceNanos;
		long now = System.nanoTime();
		if (heldBack) {
			// a limit in force now is likely in force at the next fetch too: no growth for a while, rather than
			// between every fetch it cuts short
			this.heldBackUntil = now + HELD_BACK_NANOS;
		}
		int target;
		if (service == 0 || now - this.heldBackUntil < 0) {
			target = this.floor;
		}
		else {
			// the jobs the handlers finish during one round trip: reserved ahead, they keep every handler busy
			long perRoundTrip = this.concurrency * this.roundTripNanos / Math.max(service, 1);
			target = (int) Math.max(this.floor, Math.min(this.ceiling, perRoundTrip));
		}
		resize(target);
	}

	private void resize(int target) {
		int change = target - this.prefetch;
		if (change > 0) {
			// growing first cancels what a shrink still expects back
			int forgiven = Math.min(change, this.debt.getAndUpdate((debt) -> Math.max(0, debt - change)));
			if (change > forgiven) {
				this.slots.release(change - forgiven);
			}
		}
		else if (change < 0) {
			// free permits are taken at once, the others as their jobs give them back
			int taken = 0;
			while (taken < -change && this.slots.tryAcquire()) {
				taken++;
			}
			this.debt.addAndGet(-change - taken);
		}
		this.prefetch = target;
	}

}
