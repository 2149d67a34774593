package io.asyncqueue.core.redis;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.RedisAccessDeniedException;
import io.asyncqueue.core.RedisUnavailableException;

/**
 * What a failed Redis call tells about itself.
 *
 * @since 0.2.0
 */
public final class RedisFailures {

	/** Redis's own error codes for "not now": a retry succeeds once the failover or restart is over. */
	private static final String[] TRANSIENT = { "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "LOADING", "READONLY",
			// min-replicas-to-write: a master that lost its replicas refuses writes until one is back or another
			// master takes over
			"NOREPLICAS" };

	/**
	 * How Redis 6.2 and 7.0 word a command or key the ACL denies inside a script, where 7.2 says {@code NOPERM}
	 * (6.2 after "ERR Error running script (call to f_...): @user_script:N:"):
	 * "ERR The user executing the script can't run this command ..." or "... can't access at least one of the
	 * keys ...".
	 */
	private static final String SCRIPT_DENIED = "The user executing the script can't";

	/**
	 * Where Redis 6.2 puts the code of an error a command inside a script answered: "ERR Error running script
	 * (call to f_...): @user_script:231: @user_script: 231: -READONLY You can't write against a read only
	 * replica." (7.0 answers "READONLY You can't ... script: f_..., on @user_script:231.").
	 */
	private static final Pattern SCRIPT_ERROR_CODE = Pattern
		.compile("^ERR Error running script \\(call to f_[0-9a-f]+\\): (?:@user_script: ?\\d+: )+-([A-Z]+) ");

	private RedisFailures() {
	}

	/**
	 * The code of an error Redis answered: its first word, or, for a command that failed inside a script on Redis
	 * 6.2, that command's code rather than the script's {@code ERR}.
	 * @param message the error's message
	 * @return the code, such as {@code READONLY}
	 */
	static String errorCode(String message) {
		Matcher inScript = SCRIPT_ERROR_CODE.matcher(message);
		if (inScript.find()) {
			return inScript.group(1);
		}
		int space = message.indexOf(' ');
		return (space < 0) ? message : message.substring(0, space);
	}

	/**
	 * Whether Redis answered {@code READONLY}: the server behind the address became a replica.
	 * @param message the error's message
	 * @return whether it is a {@code READONLY} answer, a script's on Redis 6.2 too
	 */
	static boolean readOnly(String message) {
		return "READONLY".equals(errorCode(message));
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
			throw new QueueException(cause.getMessage(), cause);
		}
	}

	/**
	 * What is permanently wrong, when a failure is one that no retry fixes: the ACL user may not run a command
	 * or touch a key ({@code NOPERM}), the credentials are refused ({@code WRONGPASS}, {@code NOAUTH}), or the TLS
	 * handshake failed on a certificate, the server's or (with mutual TLS) the client's.
	 * @param failure the failure
	 * @return one line that names the refusal first and says what to change, or {@code null} for a failure
	 * that is not permanent
	 */
	public static String permanentProblem(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			// a cluster client that could not read the topology keeps each node's refusal as a suppressed exception
			for (Throwable suppressed : cause.getSuppressed()) {
				String problem = permanentProblem(suppressed);
				if (problem != null) {
					return problem;
				}
			}
			String message = String.valueOf(cause.getMessage());
			if (message.startsWith("NOPERM") || (message.startsWith("ERR") && message.contains(SCRIPT_DENIED))) {
				return "Redis refused a command of the queue (ACL, permanent): " + message
						+ "; grant the queue's ACL user the rules of QueueAcl (the README's ACL line); ACL LOG on the "
						+ "server names the command";
			}
			if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")) {
				return "Redis refused the credentials (permanent): " + message + "; check the user name and password";
			}
			if (cause instanceof SSLException && (message.contains("certificate_required")
					|| message.contains("unknown_ca") || message.contains("bad_certificate"))) {
				return "Redis refused the TLS client certificate (mutual TLS, permanent): " + message
						+ "; present a certificate issued by the CA the server trusts (its tls-ca-cert-file)";
			}
			if (cause instanceof SSLException && (message.contains("certificat") || message.contains("PKIX")
					|| message.contains("No subject alternative") || message.contains("No name matching"))) {
				return "TLS handshake with Redis failed on a certificate (permanent): " + message
						+ "; trust the server's CA and connect with a host name its certificate names";
			}
		}
		return null;
	}

	/**
	 * Whether a failure means Redis is unreachable or failing over, so that the same call is expected to
	 * succeed later: the client refused it while disconnected, the connection broke or could not be opened, the
	 * call timed out, or Redis answered that it cannot serve it now ({@code CLUSTERDOWN}, {@code TRYAGAIN},
	 * {@code MASTERDOWN}, {@code LOADING}, {@code READONLY}, a slot with no known master).
	 * @param failure the failure
	 * @return whether to retry
	 */
	public static boolean unavailable(Throwable failure) {
		if (permanentProblem(failure) != null) {
			return false;
		}
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof RedisConnectionException || cause instanceof RedisCommandTimeoutException
					|| cause instanceof IOException) {
				return true;
			}
			String message = String.valueOf(cause.getMessage());
			String code = errorCode(message);
			for (String transientError : TRANSIENT) {
				if (transientError.equals(code)) {
					return true;
				}
			}
			if (message.contains("Commands are rejected") || message.contains("Connection is closed")
					|| message.contains("Connection closed") || message.startsWith("Connection disconnected")
					|| message.startsWith("Unable to connect")
					|| message.startsWith("Cannot determine a partition") || message.contains("Connection reset")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The exception a caller gets for a failed call: {@link RedisAccessDeniedException} for a permanent refusal
	 * (its message leads with the refusal), {@link RedisUnavailableException} while Redis is unreachable or
	 * failing over, else a {@link QueueException}.
	 * @param what what failed, such as "Could not push 1 job(s) to queue 'orders'"
	 * @param failure the client's failure
	 * @return the exception, its message {@code what: <the cause>}
	 */
	public static QueueException exception(String what, Throwable failure) {
		Throwable cause = unwrap(failure);
		String permanent = permanentProblem(cause);
		if (permanent != null) {
			return new RedisAccessDeniedException(what + ": " + permanent, cause);
		}
		if (unavailable(cause)) {
			return new RedisUnavailableException(what + ": Redis is unreachable or failing over, retry: "
					+ cause.getMessage(), cause, !neverSent(cause));
		}
		return new QueueException(what + ": " + cause.getMessage(), cause);
	}

	/**
	 * An exception of the type {@link #exception(String, Throwable)} chooses, with a message of the caller's.
	 * @param message the whole message, the cause first
	 * @param failure the client's failure
	 * @return the exception
	 */
	public static QueueException typed(String message, Throwable failure) {
		Throwable cause = unwrap(failure);
		if (permanentProblem(cause) != null) {
			return new RedisAccessDeniedException(message, cause);
		}
		if (unavailable(cause)) {
			return new RedisUnavailableException(message, cause, !neverSent(cause));
		}
		return new QueueException(message, cause);
	}

	/**
	 * Whether a call failed before it was written to the connection, so that Redis certainly did not run it:
	 * the client refused it while disconnected, or the connection was closed or could not be opened; or Redis
	 * refused it with {@code NOREPLICAS}, which comes at a script's first write, before anything was written.
	 * A timeout or a connection lost while the call was in flight is not such a failure: Redis may have run it.
	 * @param failure the failure
	 * @return whether the call never reached Redis
	 */
	public static boolean neverSent(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage());
			if (message.contains("Commands are rejected") || message.contains("Connection is closed")
					|| message.startsWith("Unable to connect") || "NOREPLICAS".equals(errorCode(message))) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

}
