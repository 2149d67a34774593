package io.asyncqueue.core;

/**
 * A stored job cannot be turned into a handler call: its envelope is malformed, its job name is
 * unknown, or its payload no longer fits the handler's type. Such a job is parked in {@code failed}
 * with this message at once, without retries, and the consumer carries on; a handler that reads its
 * payload further itself may throw it for the same outcome.
 *
 * @since 0.1.0
 */
public class UnreadableJobException extends RuntimeException {

	public UnreadableJobException(String message, Throwable cause) {
		super(message, cause);
	}

}
