package io.asyncqueue.spring.event;

import java.time.Instant;

import io.asyncqueue.core.JobInfo;

/**
 * A failed job will run again (Hyperf's {@code RetryHandle}).
 *
 * @since 0.1.0
 */
public class RetryEvent extends JobEvent {

	private final Throwable failure;

	private final Instant nextAttemptAt;

	/**
	 * A failed job will run again.
	 * @param source the consumer container
	 * @param job the execution that failed
	 * @param failure why it failed
	 * @param nextAttemptAt when the next attempt is due
	 */
	public RetryEvent(Object source, JobInfo job, Throwable failure, Instant nextAttemptAt) {
		super(source, job);
		this.failure = failure;
		this.nextAttemptAt = nextAttemptAt;
	}

	/** Why the execution failed. */
	public Throwable getFailure() {
		return this.failure;
	}

	/** When the next attempt is due (by this process's clock). */
	public Instant getNextAttemptAt() {
		return this.nextAttemptAt;
	}

	/** The number of the next attempt. */
	public int getNextAttempt() {
		return getAttempt() + 1;
	}

	@Override
	public String toString() {
		return "RetryEvent[" + describe() + ", failure=" + this.failure + ", nextAttemptAt=" + this.nextAttemptAt
				+ "]";
	}

}
