package io.asyncqueue.core.redis;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a failed Redis call tells about itself.
 *
 * @since 0.2.0
 */
public final class RedisFailures {

	private RedisFailures() {
	}

	/**
	 * The failure under the wrappers futures add.
	 * @param failure a failure
	 * @return the first cause that is not a {@link CompletionException} or {@link ExecutionException}
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * Wait for a call and return its reply, throwing its own failure rather than a wrapper.
	 * @param <T> the reply type
	 * @param call the call
	 * @return the reply
	 */
	public static <T> T join(java.util.concurrent.CompletableFuture<T> call) {
		try {
			return call.join();
		}
		catch (CompletionException ex) {
			Throwable cause = unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new io.asyncqueue.core.QueueException(cause.getMessage(), cause);
		}
	}

	/**
	 * Whether a call failed before it was written to the connection, so that Redis certainly did not run it:
	 * the client refused it while disconnected, or the connection was closed or could not be opened.
	 * A timeout or a connection lost while the call was in flight is not such a failure: Redis may have run it.
	 * @param failure the failure
	 * @return whether the call never reached Redis
	 */
	public static boolean neverSent(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage());
			if (message.contains("Commands are rejected") || message.contains("Connection is closed")
					|| message.startsWith("Unable to connect")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
