package io.asyncqueue.spring.event;

import io.asyncqueue.core.JobInfo;

/**
 * A job failed for good and was parked in {@code failed} (Hyperf's {@code FailedHandle}): its attempts
 * ran out, its exception is not retryable, or its payload could not be read. It stays there until an
 * operator reloads, retries or deletes it.
 *
 * @since 0.1.0
 */
public class FailedEvent extends JobEvent {

	private final Throwable failure;

	/**
	 * A job failed for good.
	 * @param source the consumer container
	 * @param job the last execution
	 * @param failure why
	 */
	public FailedEvent(Object source, JobInfo job, Throwable failure) {
		super(source, job);
		this.failure = failure;
	}

	/** Why the last execution failed. */
	public Throwable getFailure() {
		return this.failure;
	}

	@Override
	public String toString() {
		return "FailedEvent[" + describe() + ", failure=" + this.failure + "]";
	}

}
