package io.asyncqueue.spring.event;

import java.util.List;

/**
 * Jobs pushed inside a transaction that committed were not pushed: Redis refused or could not be reached
 * after the commit. Their data is committed but the jobs will not run unless pushed again, from the ids
 * here (pushes that must survive this go through the {@code QueueOutbox}).
 *
 * @since 0.1.0
 */
public class PushFailedAfterCommitEvent extends QueueEvent {

	private final List<String> jobIds;

	private final List<String> jobNames;

	private final Throwable cause;

	/**
	 * Jobs lost after a commit.
	 * @param source the transaction's pushes
	 * @param queue the queue they were for
	 * @param jobIds the ids they would have had, in push order
	 * @param jobNames their job names, in the same order
	 * @param cause why the push failed
	 */
	public PushFailedAfterCommitEvent(Object source, String queue, List<String> jobIds, List<String> jobNames,
			Throwable cause) {
		super(source, queue);
		this.jobIds = List.copyOf(jobIds);
		this.jobNames = List.copyOf(jobNames);
		this.cause = cause;
	}

	/** The ids the jobs would have had, in push order. */
	public List<String> getJobIds() {
		return this.jobIds;
	}

	/** The job names, in the same order as {@link #getJobIds()}. */
	public List<String> getJobNames() {
		return this.jobNames;
	}

	/** Why the push failed. */
	public Throwable getCause() {
		return this.cause;
	}

	@Override
	public String toString() {
		return "PushFailedAfterCommitEvent[queue=" + getQueue() + ", jobIds=" + this.jobIds + ", cause="
				+ this.cause + "]";
	}

}
