package io.asyncqueue.core.worker;

/**
 * A job reserved by a fetch, as the script returned it.
 *
 * @param id the job id
 * @param attempt the execution this is, counted by the fetch
 * @param token the fencing token of this reservation: every settle and renewal must present it
 * @param envelope the stored envelope
 * @param requestedAtNanos {@link System#nanoTime()} just before the fetch was sent: the lease Redis granted
 * cannot have started earlier, so {@code requestedAtNanos + lease} is a safe local bound on its expiry
 */
public record FetchedJob(String id, int attempt, String token, String envelope, long requestedAtNanos) {

	/**
	 * How long ago the fetch that reserved this job was sent.
	 * @return nanoseconds
	 */
	long ageNanos() {
		return System.nanoTime() - this.requestedAtNanos;
	}

}
