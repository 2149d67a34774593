package io.asyncqueue.core;

/**
 * Redis could not be reached or is failing over: the connection is down or being re-established, a cluster
 * node is down and its replica not promoted yet ({@code CLUSTERDOWN}, {@code TRYAGAIN}), the server is a replica
 * now ({@code READONLY}) or still loading its data, or the call timed out. Transient: the same call is expected
 * to succeed once Redis is back, usually within seconds, so a caller may retry it with backoff. Nothing is
 * wrong with the call itself (compare {@link RedisAccessDeniedException}, which no retry fixes, and plain
 * {@link QueueException}s such as {@link PayloadTooLargeException}).
 *
 * <p>A push that failed this way may still have been written when {@link #mayHaveBeenWritten()} says so (the
 * connection broke or the call timed out after it was sent): push it again with a unique id
 * ({@link PushOptions#unique(String)}) so that a push that did land is reported as a duplicate rather than run
 * twice.
 *
 * @since 0.2.0
 */
public class RedisUnavailableException extends QueueException {

	private static final long serialVersionUID = 1L;

	private final boolean mayHaveBeenWritten;

	/**
	 * A call that failed because Redis is unreachable or failing over.
	 * @param message what failed, the cause first
	 * @param cause the client's failure
	 * @param mayHaveBeenWritten whether the call may have reached Redis before it failed
	 */
	public RedisUnavailableException(String message, Throwable cause, boolean mayHaveBeenWritten) {
		super(message, cause);
		this.mayHaveBeenWritten = mayHaveBeenWritten;
	}

	/**
	 * Whether Redis may have run the call before it failed: {@code false} only when the client refused it
	 * unsent (disconnected, connection closed or never opened).
	 * @return whether the call may have taken effect
	 */
	public boolean mayHaveBeenWritten() {
		return this.mayHaveBeenWritten;
	}

}
