package io.asyncqueue.spring;

import org.jspecify.annotations.Nullable;

/**
 * The async-queue configuration of an application is wrong: a property, a {@link QueueJob @QueueJob}
 * or the classpath. Thrown at startup, where a failure analyzer prints the {@link #getMessage()
 * description} and the {@link #getAction() action} that fixes it.
 *
 * @since 0.1.0
 */
public class AsyncQueueConfigurationException extends IllegalStateException {

	private final @Nullable String property;

	private final String action;

	/**
	 * A configuration problem.
	 * @param property the offending property, such as {@code async-queue.queues.orders.concurrency}, or
	 * {@code null} when the problem is not one property
	 * @param description what is wrong
	 * @param action how to fix it
	 * @param cause the underlying exception, or {@code null}
	 */
	public AsyncQueueConfigurationException(@Nullable String property, String description, String action,
			@Nullable Throwable cause) {
		super(description, cause);
		this.property = property;
		this.action = action;
	}

	/**
	 * A configuration problem.
	 * @param property the offending property, or {@code null}
	 * @param description what is wrong
	 * @param action how to fix it
	 */
	public AsyncQueueConfigurationException(@Nullable String property, String description, String action) {
		this(property, description, action, null);
	}

	/**
	 * The offending property, such as {@code async-queue.queues.orders.concurrency}.
	 * @return the property, or {@code null} when the problem is not one property
	 */
	public @Nullable String getProperty() {
		return this.property;
	}

	/**
	 * How to fix the problem.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
