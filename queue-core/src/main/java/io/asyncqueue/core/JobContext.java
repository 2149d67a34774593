package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What a running job knows about itself, and how it asks for an outcome other than success.
 * Hyperf's results map as: {@code ACK} = return normally, {@code RETRY} = {@link #retry()},
 * {@code REQUEUE} = {@link #requeue(Duration)}, {@code DROP} = {@link #drop(String)}.
 *
 * @since 0.1.0
 */
public interface JobContext {

	/** The job's id, the same on every attempt: a natural idempotency key. */
	String id();

	/** The queue the job came from. */
	String queue();

	/** The job's logical name. */
	String jobName();

	/** This execution's number, starting at 1. */
	int attempt();

	/** The most executions this job gets. */
	int maxAttempts();

	/** When the job was pushed. */
	Instant pushedAt();

	/** The unique id it was pushed with, or {@code null}. */
	String uniqueId();

	/** Headers pushed with the job (for example a trace context). */
	Map<String, String> headers();

	/**
	 * Ask for this attempt to count as failed and be retried after the queue's backoff, as if the
	 * handler had thrown; once attempts run out the job goes to {@code failed} (never silently dropped).
	 */
	void retry();

	/**
	 * Like {@link #retry()} with an explicit delay.
	 * @param delay the wait before the next attempt
	 */
	void retry(Duration delay);

	/**
	 * Put the job back after {@code delay} without counting this attempt, for "not now" conditions such
	 * as a resource that is not ready. It can loop forever if the condition never clears.
	 * @param delay the wait, zero for straight back to waiting
	 */
	void requeue(Duration delay);

	/**
	 * Say that a downstream service refused this job for its rate limit: the job goes back to the head of
	 * waiting without using an attempt, and no job of this queue starts, in any instance, for {@code backoff}
	 * (a longer back-off already in force is kept). Like BullMQ's manual rate limit; the handler returns
	 * normally after calling it. Jobs that instances already hold reserved ahead of their handlers
	 * ({@link QueueSettings#prefetch()}) are not recalled: a queue whose handlers back off should not prefetch (an
	 * unset prefetch goes back to the concurrency for 10 s at the next fetch the back-off holds back).
	 * @param backoff how long the whole queue waits, at least 1 ms
	 * @since 0.3.0
	 */
	default void rateLimited(Duration backoff) {
		throw new UnsupportedOperationException("This JobContext cannot back its queue off");
	}

	/**
	 * Remove the job without running it again and without parking it in {@code failed}; listeners see
	 * the {@link JobOutcome#DROPPED} outcome with this reason.
	 * @param reason why, for logs and events
	 */
	void drop(String reason);

}
