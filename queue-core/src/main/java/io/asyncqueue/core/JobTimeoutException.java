package io.asyncqueue.core;

import java.time.Duration;

/**
 * A job ran past its handle timeout. It was interrupted and the attempt counts as failed, so the
 * queue's retry policy applies.
 *
 * @since 0.1.0
 */
public class JobTimeoutException extends RuntimeException {

	public JobTimeoutException(String jobName, Duration timeout) {
		super("Job '" + jobName + "' ran longer than its handle timeout of " + timeout);
	}

}
