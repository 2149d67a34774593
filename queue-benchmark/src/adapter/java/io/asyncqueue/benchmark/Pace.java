package io.asyncqueue.benchmark;

import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop pacing for the latency and delayed scenarios: job {@code i} is offered at {@code base + i ×
 * period}, whether or not earlier pushes have returned, the same way in every Java adapter.
 */
public final class Pace {

	private final long base;

	private final long period;

	/**
	 * @param ratePerSecond jobs offered per second
	 */
	public Pace(int ratePerSecond) {
		this.period = 1_000_000_000L / ratePerSecond;
		this.base = System.nanoTime() + 50_000_000L;
	}

	/** Park until job {@code i}'s turn. */
	public void awaitTurn(int i) {
		long due = this.base + i * this.period;
		long wait;
		while ((wait = due - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
	}

	/** Seconds since the first job's turn. */
	public double secondsSinceStart() {
		return (System.nanoTime() - this.base) / 1e9;
	}

}
