package io.asyncqueue.spring.event;

import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;

/**
 * A sample of a queue's jobs by state, read in one atomic step (Hyperf's {@code QueueLength}),
 * published for every declared queue at {@code async-queue.queue-length-interval}.
 *
 * @since 0.1.0
 */
public class QueueLengthEvent extends QueueEvent {

	private final QueueCounts counts;

	/**
	 * A sample of a queue's size.
	 * @param source the sampler
	 * @param counts the counts
	 */
	public QueueLengthEvent(Object source, QueueCounts counts) {
		super(source, counts.queue());
		this.counts = counts;
	}

	/** The counts of every state. */
	public QueueCounts getCounts() {
		return this.counts;
	}

	/**
	 * The count of one state.
	 * @param state the state
	 * @return the number of jobs in it
	 */
	public long get(JobState state) {
		return this.counts.get(state);
	}

	/** Jobs ready to run. */
	public long getWaiting() {
		return this.counts.waiting();
	}

	/** Jobs due later. */
	public long getDelayed() {
		return this.counts.delayed();
	}

	/** Jobs running (or held by a worker that died, until their lease expires). */
	public long getReserved() {
		return this.counts.reserved();
	}

	/** Jobs parked for good. */
	public long getFailed() {
		return this.counts.failed();
	}

	/** Jobs parked after their lease expired. */
	public long getTimeout() {
		return this.counts.timeout();
	}

	@Override
	public String toString() {
		return "QueueLengthEvent[queue=" + getQueue() + ", waiting=" + getWaiting() + ", delayed=" + getDelayed()
				+ ", reserved=" + getReserved() + ", failed=" + getFailed() + ", timeout=" + getTimeout() + "]";
	}

}
