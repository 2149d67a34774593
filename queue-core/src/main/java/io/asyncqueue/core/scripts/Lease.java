package io.asyncqueue.core.scripts;

/**
 * A job a worker holds under a lease, named with the token it was fetched under (a job recovered and
 * fetched again can be held twice, under two tokens).
 *
 * @param id the job id
 * @param token the lease token
 * @since 0.2.0
 */
public record Lease(String id, String token) {
}
