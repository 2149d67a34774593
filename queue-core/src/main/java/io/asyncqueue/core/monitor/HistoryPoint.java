package io.asyncqueue.core.monitor;

import java.time.Instant;

/**
 * What the workers of every instance settled in one minute or one hour of a queue.
 *
 * @param start when the minute or hour began (Redis's clock)
 * @param processed jobs that completed (acknowledged or dropped by their handler)
 * @param failed jobs parked in {@code failed}
 * @param retried failed attempts that were scheduled to run again
 * @since 0.2.0
 */
public record HistoryPoint(Instant start, long processed, long failed, long retried) {

	/**
	 * The share of settled jobs that failed or were retried, from 0 to 1 (0 when nothing was settled).
	 * @return the failure rate
	 */
	public double failureRate() {
		long total = this.processed + this.failed + this.retried;
		return (total == 0) ? 0 : (double) (this.failed + this.retried) / total;
	}

}
