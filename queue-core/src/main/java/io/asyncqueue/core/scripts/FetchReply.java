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
 * @since 0.2.0
 */
public record FetchReply(List<FetchedJob> jobs, List<String> recovered, List<String> failed, long wakeInMillis,
		long limitWakeInMillis) {

	/** {@link #wakeInMillis()} when nothing is delayed or reserved. */
	public static final long NOTHING_SCHEDULED = -1;

	/** {@link #wakeInMillis()} when the queue is paused (resume signals the marker). */
	public static final long PAUSED = -2;

}
