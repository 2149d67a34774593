package io.asyncqueue.core;

import java.time.Instant;
import java.util.Map;

/**
 * An immutable description of one execution of a job, handed to {@link QueueObserver}s.
 *
 * @param queue the queue
 * @param id the job id
 * @param jobName the logical job name, or {@code null} for a job whose envelope could not be read
 * @param attempt this execution's number, from 1
 * @param maxAttempts the most executions the job gets
 * @param pushedAt when the job was pushed
 * @param headers headers pushed with the job
 * @param priority the priority it was pushed with, 0 for none
 * @since 0.1.0
 */
public record JobInfo(String queue, String id, String jobName, int attempt, int maxAttempts, Instant pushedAt,
		Map<String, String> headers, int priority) {

	public JobInfo {
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
	}

	/**
	 * A description of a job pushed without a priority.
	 * @param queue the queue
	 * @param id the job id
	 * @param jobName the logical job name, or {@code null}
	 * @param attempt this execution's number, from 1
	 * @param maxAttempts the most executions the job gets
	 * @param pushedAt when the job was pushed
	 * @param headers headers pushed with the job
	 */
	public JobInfo(String queue, String id, String jobName, int attempt, int maxAttempts, Instant pushedAt,
			Map<String, String> headers) {
		this(queue, id, jobName, attempt, maxAttempts, pushedAt, headers, 0);
	}

}
