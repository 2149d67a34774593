package io.asyncqueue.core;

/**
 * A push's {@linkplain PushGuard guard} raised an error, or returned something other than {@code true} or
 * {@code false} first. No job was pushed; writes the guard made before its error stay (Redis does not roll
 * a script back).
 *
 * @since 0.1.0
 */
public class PushGuardException extends QueueException {

	public PushGuardException(String queue, String error, Throwable cause) {
		super("The guard of a push to queue '" + queue + "' failed, nothing was pushed: " + error, cause);
	}

}
