package io.asyncqueue.core;

/**
 * How one execution of a job ended.
 *
 * @since 0.1.0
 */
public enum JobOutcome {

	/** The handler returned normally; the job is gone. */
	SUCCEEDED,

	/** The attempt failed and the job waits for its next attempt. */
	RETRIED,

	/** The attempt failed and the job was parked in {@code failed}. */
	FAILED,

	/** The attempt ran past the handle timeout; it was interrupted and retried or failed. */
	TIMED_OUT,

	/** The handler asked for the job to be put back without counting the attempt. */
	REQUEUED,

	/** The handler dropped the job. */
	DROPPED,

	/** The worker stopped before the job finished; it went back to waiting without counting the attempt. */
	RELEASED,

	/** The worker lost the job's lease (it stalled) before it finished; another worker may run it. */
	LEASE_LOST,

	/**
	 * The handler finished, but its outcome could not be confirmed in Redis: Redis was unreachable until the
	 * job's lease ran out, or an earlier try that may have landed left no way to tell. If the outcome was not
	 * written, the job runs again when its lease expires. Listeners get the reason.
	 * @since 0.2.0
	 */
	UNCONFIRMED

}
