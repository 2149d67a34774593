package io.asyncqueue.core.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.JobTimeoutException;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RetryRequestedException;
import io.asyncqueue.core.UnreadableJobException;

/** Whether a failed attempt is retried, after how long, and how its error is recorded. */
final class FailurePolicy {

	private static final int STACK_TRACE_CHARS = 2000;

	private final QueueSettings settings;

	private final JobSerializer serializer;

	FailurePolicy(QueueSettings settings, JobSerializer serializer) {
		this.settings = settings;
		this.serializer = serializer;
	}

	/**
	 * When the failed attempt runs again, or {@code null} if it does not: the job's attempts are used up or the
	 * exception is not retryable.
	 * @param execution the attempt
	 * @param cause why it failed
	 * @param requestedDelay a delay the handler asked for, or {@code null} for the job's backoff
	 * @return the delay before the next attempt, or {@code null}
	 */
	Duration retryDelay(Execution execution, Throwable cause, Duration requestedDelay) {
		// an unreadable job (a handler may find its payload no longer fits, too) fails the same way on every attempt
		if (cause instanceof UnreadableJobException || !this.settings.isRetryable(cause)
				|| execution.info().attempt() >= execution.info().maxAttempts()) {
			return null;
		}
		return (requestedDelay != null) ? requestedDelay
				: execution.definition().retryBackoff(this.settings).delayAfter(execution.info().attempt());
	}

	/**
	 * The error kept with a job in Redis, shown to operators.
	 * @param cause the failure
	 * @param attempt the attempt that failed
	 * @return its JSON
	 */
	String errorJson(Throwable cause, int attempt) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("reason", reason(cause));
		error.put("exception", cause.getClass().getName());
		error.put("message", cause.getMessage());
		error.put("attempt", attempt);
		error.put("stackTrace", stackTrace(cause));
		return this.serializer.toJson(error);
	}

	/**
	 * The error kept with a job parked because its attempts were used up before it could run, in the shape fetch
	 * gives a job that stalled too often: no stack trace (nothing ran), the exception named {@code stalled}.
	 * @param cause what happened
	 * @param attempt the attempt that would have run
	 * @return its JSON
	 */
	String stalledJson(Throwable cause, int attempt) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("reason", cause.getMessage());
		error.put("exception", "stalled");
		error.put("attempt", attempt);
		return this.serializer.toJson(error);
	}

	/**
	 * The trace as Java prints it, cut at {@value #STACK_TRACE_CHARS} characters: enough to find the failing
	 * line on the dashboard, and a bound on what each failed or retrying job adds to Redis.
	 */
	private static String stackTrace(Throwable cause) {
		StringWriter trace = new StringWriter();
		cause.printStackTrace(new PrintWriter(trace));
		String text = trace.toString();
		return (text.length() <= STACK_TRACE_CHARS) ? text : text.substring(0, STACK_TRACE_CHARS) + "\n\t...";
	}

	/** Our own exceptions' messages say everything; an application's is shown with its type. */
	private static String reason(Throwable cause) {
		boolean ours = cause instanceof UnreadableJobException || cause instanceof JobTimeoutException
				|| cause instanceof RetryRequestedException;
		return ours ? cause.getMessage() : cause.toString();
	}

}
