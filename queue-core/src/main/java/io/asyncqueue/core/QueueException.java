package io.asyncqueue.core;

/**
 * A queue operation failed (Redis unreachable, a script error, a refused push). Always thrown to the
 * caller, never swallowed.
 *
 * @since 0.1.0
 */
public class QueueException extends RuntimeException {

	public QueueException(String message) {
		super(message);
	}

	public QueueException(String message, Throwable cause) {
		super(message, cause);
	}

}
