package io.asyncqueue.core;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many jobs a queue holds in each state, read in one atomic step.
 *
 * @param queue the queue
 * @param waiting ready to run
 * @param delayed due later
 * @param reserved running (or held by a worker that died, until its lease expires)
 * @param failed parked for good
 * @param timeout parked after a lease expired
 * @since 0.1.0
 */
public record QueueCounts(String queue, long waiting, long delayed, long reserved, long failed, long timeout) {

	/**
	 * The count of one state.
	 * @param state the state
	 * @return its count
	 */
	public long get(JobState state) {
		return switch (state) {
			case WAITING -> this.waiting;
			case DELAYED -> this.delayed;
			case RESERVED -> this.reserved;
			case FAILED -> this.failed;
			case TIMEOUT -> this.timeout;
		};
	}

	/** The counts as a map keyed by state. */
	public Map<JobState, Long> asMap() {
		Map<JobState, Long> map = new EnumMap<>(JobState.class);
		for (JobState state : JobState.values()) {
			map.put(state, get(state));
		}
		return map;
	}

}
