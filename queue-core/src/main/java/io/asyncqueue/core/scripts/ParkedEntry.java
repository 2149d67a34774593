package io.asyncqueue.core.scripts;

/**
 * A job of {@code failed} or {@code timeout} as Redis holds it.
 *
 * @param id the job id
 * @param parkedAtMillis when it was parked (epoch ms, Redis's clock)
 * @param envelope the stored envelope, or {@code ""} when its data is gone
 * @param attempts executions counted
 * @param error the last error as JSON, or {@code ""}
 * @since 0.2.0
 */
public record ParkedEntry(String id, long parkedAtMillis, String envelope, int attempts, String error) {
}
