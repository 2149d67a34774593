package io.asyncqueue.core;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;

/**
 * A job a worker can run: its logical name, its payload type and its handler, with optional
 * per-job overrides of the queue's attempts, handle timeout and backoff.
 *
 * @param <T> the payload type
 * @param name the logical name stored with every job; keep it stable across refactorings
 * @param payloadType the payload type, generics included
 * @param handler the handler
 * @param maxAttempts overrides {@link QueueSettings#maxAttempts()}, or {@code null}
 * @param handleTimeout overrides {@link QueueSettings#handleTimeout()}, or {@code null}
 * @param retryBackoff overrides {@link QueueSettings#retryBackoff()}, or {@code null}
 * @since 0.1.0
 */
public record JobDefinition<T>(String name, Type payloadType, JobHandler<T> handler, Integer maxAttempts,
		Duration handleTimeout, RetryBackoff retryBackoff) {

	public JobDefinition {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(payloadType, "payloadType");
		Objects.requireNonNull(handler, "handler");
		if (name.isBlank()) {
			throw new IllegalArgumentException("A job name must not be blank");
		}
		if (maxAttempts != null && maxAttempts < 1) {
			throw new IllegalArgumentException("Job '" + name + "': max-attempts must be at least 1, was " + maxAttempts);
		}
		if (handleTimeout != null && handleTimeout.isNegative()) {
			throw new IllegalArgumentException("Job '" + name + "': handle-timeout must not be negative");
		}
	}

	/**
	 * A job with the queue's settings.
	 * @param <T> the payload type
	 * @param name the logical name
	 * @param payloadType the payload type
	 * @param handler the handler
	 * @return the definition
	 */
	public static <T> JobDefinition<T> of(String name, Class<T> payloadType, JobHandler<T> handler) {
		return new JobDefinition<>(name, payloadType, handler, null, null, null);
	}

	/**
	 * The most executions this job gets on the given queue: its own override, else the queue's.
	 * @param queue the queue's settings
	 * @return the effective max attempts
	 */
	public int maxAttempts(QueueSettings queue) {
		return (this.maxAttempts != null) ? this.maxAttempts : queue.maxAttempts();
	}

	/**
	 * How long one execution of this job may run on the given queue: its own override, else the queue's.
	 * @param queue the queue's settings
	 * @return the effective handle timeout
	 */
	public Duration handleTimeout(QueueSettings queue) {
		return (this.handleTimeout != null) ? this.handleTimeout : queue.handleTimeout();
	}

	/**
	 * The wait before each retry of this job on the given queue: its own override, else the queue's.
	 * @param queue the queue's settings
	 * @return the effective backoff
	 */
	public RetryBackoff retryBackoff(QueueSettings queue) {
		return (this.retryBackoff != null) ? this.retryBackoff : queue.retryBackoff();
	}

}
