package io.asyncqueue.spring.listener;

import java.util.Objects;

import io.asyncqueue.core.JobHandler;
import io.asyncqueue.spring.JobMetadata;

/**
 * A job declared on a bean method: its metadata and the handler that invokes the method.
 *
 * @since 0.2.0
 */
public final class QueueListenerEndpoint {

	private final String beanName;

	private final JobMetadata metadata;

	private final JobHandler<?> handler;

	private final boolean takesPayload;

	/**
	 * An endpoint.
	 * @param beanName the bean whose method it is
	 * @param metadata the job's name, queues, payload type and overrides
	 * @param handler invokes the method
	 * @param takesPayload whether the job takes a payload of its own, so that it can be pushed by name or
	 * payload type ({@code false} for an {@link AsyncQueueMessage @AsyncQueueMessage} method's argument list)
	 */
	public QueueListenerEndpoint(String beanName, JobMetadata metadata, JobHandler<?> handler, boolean takesPayload) {
		this.beanName = Objects.requireNonNull(beanName, "beanName");
		this.metadata = Objects.requireNonNull(metadata, "metadata");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.takesPayload = takesPayload;
	}

	/** The bean whose method this is. */
	public String getBeanName() {
		return this.beanName;
	}

	/** The job's name, queues, payload type and overrides. */
	public JobMetadata getMetadata() {
		return this.metadata;
	}

	/** The handler that invokes the method. */
	public JobHandler<?> getHandler() {
		return this.handler;
	}

	/** Whether the job can be pushed by its name or its payload's type. */
	public boolean takesPayload() {
		return this.takesPayload;
	}

	@Override
	public String toString() {
		return "QueueListenerEndpoint[bean=" + this.beanName + ", " + this.metadata + "]";
	}

}
