package io.asyncqueue.spring.event;

import io.asyncqueue.core.JobInfo;

/**
 * A job is about to run (Hyperf's {@code BeforeHandle}).
 *
 * @since 0.1.0
 */
public class BeforeHandleEvent extends JobEvent {

	/**
	 * A job is about to run.
	 * @param source the consumer container
	 * @param job the execution
	 */
	public BeforeHandleEvent(Object source, JobInfo job) {
		super(source, job);
	}

	@Override
	public String toString() {
		return "BeforeHandleEvent[" + describe() + "]";
	}

}
