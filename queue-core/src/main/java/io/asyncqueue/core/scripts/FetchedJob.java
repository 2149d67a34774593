package io.asyncqueue.core.scripts;

/**
 * A job the fetch script reserved for the caller.
 *
 * @param id the job id
 * @param attempt the execution this is, the first being 1 (what {@code max-attempts} counts)
 * @param token the lease's fencing token: settles and renewals of this copy must present it
 * @param envelope the stored envelope
 * @since 0.2.0
 */
public record FetchedJob(String id, int attempt, String token, String envelope) {
}
