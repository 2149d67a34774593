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
 */
public record ReservedJob(String id, int attempt, String token, String envelope, long requestedAtNanos) {

	static ReservedJob of(FetchedJob job, long requestedAtNanos) {
		return new ReservedJob(job.id(), job.attempt(), job.token(), job.envelope(), requestedAtNanos);
	}

	/**
	 * How long ago the fetch that reserved this job was sent.
	 * @return nanoseconds
	 */
	long ageNanos() {
		return System.nanoTime() - this.requestedAtNanos;
	}

}
