package io.asyncqueue.core.scripts;

import java.util.List;

/**
 * What one fetch did.
 *
 * @param jobs the jobs reserved for the caller, in queue order
 * @param recovered ids whose lease had expired and that went back to waiting
 * @param failed ids whose lease had expired once too often and that went to failed (or timeout)
 * @param wakeInMillis when to look again: in ms until the next delayed job or lease falls due, 0 when
 * jobs are still waiting, {@link #NOTHING_SCHEDULED} or {@link #PAUSED}
 * @param limitWakeInMillis in ms, when the queue's rate limit (or a handler's back-off) lets the next waiting
 * job start, or {@link #NOTHING_SCHEDULED} when no limit holds jobs back on time (a full global concurrency
 * is woken by the settle that frees a slot)
 * @param slotJobs how many of the jobs, the first ones, hold a slot of the queue's global concurrency; the rest
 * were reserved ahead and start only in the slot of a job of the caller's that finished; {@link #NO_SLOTS} when the
 * queue has no global concurrency, and every job may start
 * @param contended whether another consumer waits for a slot of the global concurrency (or the queue runs over a
 * limit lowered at run time): the caller then hands no slot on, so that slots go back to Redis as its jobs finish
 * @param promoted the caller's jobs reserved ahead that now hold a slot, of those it named in the fetch
 * @since 0.2.0
 */
public record FetchReply(List<FetchedJob> jobs, List<String> recovered, List<String> failed, long wakeInMillis,
		long limitWakeInMillis, int slotJobs, boolean contended, List<String> promoted) {

	/** {@link #slotJobs()} of a queue without a global concurrency. */
	public static final int NO_SLOTS = -1;

	/**
	 * What a fetch from a queue without a global concurrency did.
	 * @param jobs the jobs reserved for the caller, in queue order
	 * @param recovered ids whose lease had expired and that went back to waiting
	 * @param failed ids whose lease had expired once too often and that went to failed (or timeout)
	 * @param wakeInMillis when to look again
	 * @param limitWakeInMillis when a limit lets the next waiting job start
	 */
	public FetchReply(List<FetchedJob> jobs, List<String> recovered, List<String> failed, long wakeInMillis,
			long limitWakeInMillis) {
		this(jobs, recovered, failed, wakeInMillis, limitWakeInMillis, NO_SLOTS, false, List.of());
	}

	/** {@link #wakeInMillis()} when nothing is delayed or reserved. */
	public static final long NOTHING_SCHEDULED = -1;

	/** {@link #wakeInMillis()} when the queue is paused (resume signals the marker). */
	public static final long PAUSED = -2;

}
