package io.asyncqueue.core;

import java.time.Instant;

/**
 * A job parked in {@code failed} or {@code timeout}, with why.
 *
 * @param id the job id
 * @param jobName the logical job name, or {@code null} when the envelope is unreadable
 * @param attempts executions so far
 * @param reason the failure: exception class and message, "stalled", or why the payload was unreadable
 * @param exceptionClass the exception's class name, or {@code null}
 * @param failedAt when it was parked (Redis's clock)
 * @param envelope the raw stored envelope, for inspection
 * @since 0.1.0
 */
public record FailedJob(String id, String jobName, int attempts, String reason, String exceptionClass,
		Instant failedAt, String envelope) {
}
