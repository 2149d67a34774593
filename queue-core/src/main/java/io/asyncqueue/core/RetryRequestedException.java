package io.asyncqueue.core;

/**
 * Why a job that asked for a retry through {@link JobContext#retry()} (without throwing) counts as a failed
 * attempt: listeners' {@code retrying} and {@code failed} callbacks receive it, and when the job runs out of
 * attempts its reason in {@code failed} is this exception's message.
 *
 * @since 0.2.0
 */
public class RetryRequestedException extends RuntimeException {

	/**
	 * An exception for a job that asked for a retry.
	 * @param jobName the job
	 */
	public RetryRequestedException(String jobName) {
		super("Job '" + jobName + "' asked for a retry (JobContext.retry)", null, false, false);
	}

}
