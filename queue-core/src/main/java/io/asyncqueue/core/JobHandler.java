package io.asyncqueue.core;

/**
 * Runs one job. Returning normally acknowledges it; throwing counts a failed attempt (retried with
 * backoff while attempts remain, then parked in {@code failed}); the {@link JobContext} can ask for
 * another outcome explicitly.
 *
 * <p>Delivery is at least once: a job can run again after a crash, a lost lease or a handle timeout,
 * so a handler should be idempotent ({@link JobContext#id()} is stable across attempts).
 *
 * @param <T> the payload type
 * @since 0.1.0
 */
@FunctionalInterface
public interface JobHandler<T> {

	/**
	 * Handle one job.
	 * @param payload the payload as pushed
	 * @param context the job's id, attempt and queue, and explicit outcomes
	 * @throws Exception to fail this attempt
	 */
	void handle(T payload, JobContext context) throws Exception;

}
