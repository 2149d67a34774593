package io.asyncqueue.core;

import java.time.Duration;

/**
 * A queue's cluster-wide limits and their current use, as every instance sees them at its next fetch.
 *
 * @param queue the queue
 * @param running jobs running now across every instance (reserved, less those reserved ahead of a slot): what
 * {@link #globalConcurrency()} counts
 * @param globalConcurrency the most jobs running at once across every instance, zero for no limit
 * @param globalConcurrencySetAtRunTime whether {@link #globalConcurrency()} is stored in Redis (set from the
 * endpoint or the CLI) rather than taken from this process's configuration
 * @param rateLimit the most starts in any window of its period, or {@code null} for none
 * @param rateLimitSetAtRunTime whether {@link #rateLimit()} is stored in Redis rather than configured
 * @param backoffLeft how long a handler's {@link JobContext#rateLimited(Duration)} still holds every start
 * back, {@link Duration#ZERO} when none does
 * @param groups the group concurrency and its use
 * @since 0.3.0
 */
public record FlowLimits(String queue, long running, int globalConcurrency, boolean globalConcurrencySetAtRunTime,
		RateLimit rateLimit, boolean rateLimitSetAtRunTime, Duration backoffLeft, Groups groups) {

	/**
	 * The limits of a queue whose group concurrency is the default, 1, as configured.
	 * @param queue the queue
	 * @param running jobs running now across every instance
	 * @param globalConcurrency the most jobs running at once across every instance, zero for no limit
	 * @param globalConcurrencySetAtRunTime whether the global concurrency is stored in Redis
	 * @param rateLimit the rate limit, or {@code null} for none
	 * @param rateLimitSetAtRunTime whether the rate limit is stored in Redis
	 * @param backoffLeft how long a handler's back-off still holds every start back
	 */
	public FlowLimits(String queue, long running, int globalConcurrency, boolean globalConcurrencySetAtRunTime,
			RateLimit rateLimit, boolean rateLimitSetAtRunTime, Duration backoffLeft) {
		this(queue, running, globalConcurrency, globalConcurrencySetAtRunTime, rateLimit, rateLimitSetAtRunTime,
				backoffLeft, new Groups(1, false, 0, 0));
	}

	/** The most jobs of one group running at once across every instance. */
	public int groupConcurrency() {
		return this.groups.concurrency();
	}

	/** Whether {@link #groupConcurrency()} is stored in Redis (set at run time) rather than configured. */
	public boolean groupConcurrencySetAtRunTime() {
		return this.groups.concurrencySetAtRunTime();
	}

	/**
	 * A queue's group concurrency and its use across every instance.
	 *
	 * @param concurrency the most jobs of one group running at once
	 * @param concurrencySetAtRunTime whether it is stored in Redis rather than configured
	 * @param running groups holding at least one of their slots (a running job, or a retry waiting out its delay)
	 * @param heldBack groups with jobs waiting that their running jobs hold back at the limit
	 */
	public record Groups(int concurrency, boolean concurrencySetAtRunTime, long running, long heldBack) {
	}

	/** How many more jobs may start now under the global concurrency, or -1 when there is no such limit. */
	public long freeSlots() {
		return (this.globalConcurrency > 0) ? Math.max(this.globalConcurrency - this.running, 0) : -1;
	}

}
