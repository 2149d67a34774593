package io.asyncqueue.spring.event;

import org.springframework.context.ApplicationEvent;

/**
 * The base of every async-queue event: something happened on a queue. Events are immutable and
 * published synchronously on the thread that observed the fact (a worker thread for job events):
 * keep listeners quick, or annotate them {@code @Async}. A listener that throws is logged and never
 * changes a job's outcome.
 *
 * @since 0.1.0
 */
public abstract class QueueEvent extends ApplicationEvent {

	private final String queue;

	/**
	 * An event on a queue.
	 * @param source the component that published it (a consumer container or the queue-length sampler)
	 * @param queue the queue's name
	 */
	protected QueueEvent(Object source, String queue) {
		super(source);
		this.queue = queue;
	}

	/** The queue's name. */
	public String getQueue() {
		return this.queue;
	}

}
