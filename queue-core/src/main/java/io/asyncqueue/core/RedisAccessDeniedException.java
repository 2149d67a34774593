package io.asyncqueue.core;

/**
 * Redis refused the call for a reason that retrying does not fix: the ACL user may not run one of the
 * queue's commands or touch its keys ({@code NOPERM}), the credentials are wrong ({@code WRONGPASS},
 * {@code NOAUTH}), or the TLS handshake failed on a certificate. The message's first line names the refusal
 * and what to change. A consumer that meets one while writing a job's outcome stops fetching and reports it
 * as its consumption problem (health {@code DOWN}) rather than letting the job's lease expire and run it again.
 *
 * @since 0.2.0
 */
public class RedisAccessDeniedException extends QueueException {

	private static final long serialVersionUID = 1L;

	/**
	 * A call Redis refused for good.
	 * @param message what failed, the refusal first
	 * @param cause the client's failure
	 */
	public RedisAccessDeniedException(String message, Throwable cause) {
		super(message, cause);
	}

}
