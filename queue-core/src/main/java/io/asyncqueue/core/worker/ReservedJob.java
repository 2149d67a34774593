package io.asyncqueue.core.worker;

import io.asyncqueue.core.scripts.FetchedJob;

/**
 * A job this process reserved, and when it asked for it.
 *
 * @param id the job id
 * @param attempt the execution this is, counted by the fetch
 * @param token the fencing token of this reservation: every settle and renewal must present it
 * @param envelope the stored envelope
 * @param requestedAtNanos {@link System#nanoTime()} just before the fetch was sent: the lease Redis granted
 * cannot have started earlier, so {@code requestedAtNanos + lease} is a safe local bound on its expiry
 * @param ahead whether it was reserved ahead of a slot of the queue's global concurrency and holds none yet (see
 * {@link GlobalSlots})
 * @param handed whether it was reserved ahead and then given a slot: its settle tells Redis to look for it in the
 * queue's {@code ahead} set
 */
public record ReservedJob(String id, int attempt, String token, String envelope, long requestedAtNanos,
		boolean ahead, boolean handed) {

	/**
	 * A job that may start on a free handler.
	 * @param id the job id
	 * @param attempt the execution this is
	 * @param token the fencing token of this reservation
	 * @param envelope the stored envelope
	 * @param requestedAtNanos {@link System#nanoTime()} just before the fetch was sent
	 */
	public ReservedJob(String id, int attempt, String token, String envelope, long requestedAtNanos) {
		this(id, attempt, token, envelope, requestedAtNanos, false, false);
	}

	static ReservedJob of(FetchedJob job, long requestedAtNanos, boolean ahead) {
		return new ReservedJob(job.id(), job.attempt(), job.token(), job.envelope(), requestedAtNanos, ahead, false);
	}

	/** Whether it was reserved ahead of a slot, whether or not it holds one now. */
	boolean reservedAhead() {
		return this.ahead || this.handed;
	}

	/** This job, holding the slot a finished job handed it. */
	ReservedJob holdingSlot() {
		return new ReservedJob(this.id, this.attempt, this.token, this.envelope, this.requestedAtNanos, false, true);
	}

	/**
	 * How long ago the fetch that reserved this job was sent.
	 * @return nanoseconds
	 */
	long ageNanos() {
		return System.nanoTime() - this.requestedAtNanos;
	}

}
