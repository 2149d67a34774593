package io.asyncqueue.spring.event;

import java.util.List;

/**
 * Jobs whose lease expired (their worker died, hung or lost Redis) were found by this process: some
 * were put back to waiting, the others, stalled too often or set to be parked, left for
 * {@code failed} or {@code timeout}.
 *
 * @since 0.1.0
 */
public class StalledEvent extends QueueEvent {

	private final List<String> recoveredJobIds;

	private final List<String> failedJobIds;

	/**
	 * Stalled jobs were found.
	 * @param source the consumer container
	 * @param queue the queue
	 * @param recoveredJobIds the ids put back to waiting
	 * @param failedJobIds the ids sent to {@code failed} or parked in {@code timeout}
	 */
	public StalledEvent(Object source, String queue, List<String> recoveredJobIds, List<String> failedJobIds) {
		super(source, queue);
		this.recoveredJobIds = List.copyOf(recoveredJobIds);
		this.failedJobIds = List.copyOf(failedJobIds);
	}

	/** The ids of the jobs put back to waiting. */
	public List<String> getRecoveredJobIds() {
		return this.recoveredJobIds;
	}

	/** The ids of the jobs sent to {@code failed} or parked in {@code timeout}. */
	public List<String> getFailedJobIds() {
		return this.failedJobIds;
	}

	@Override
	public String toString() {
		return "StalledEvent[queue=" + getQueue() + ", recovered=" + this.recoveredJobIds + ", failed="
				+ this.failedJobIds + "]";
	}

}
