package io.asyncqueue.core.worker;

import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueListener;

/**
 * Calls every {@link QueueListener} of one queue, in order, on the calling thread. A listener that throws is
 * logged and skipped: a listener never changes a job's outcome.
 */
public final class ListenerFanOut {

	private static final Logger logger = LoggerFactory.getLogger(ListenerFanOut.class);

	private final String queue;

	private final List<QueueListener> listeners;

	/**
	 * A fan-out to the given listeners.
	 * @param queue the queue, for log lines
	 * @param listeners the listeners, called in this order
	 */
	public ListenerFanOut(String queue, List<QueueListener> listeners) {
		this.queue = queue;
		this.listeners = List.copyOf(listeners);
	}

	void fire(Consumer<QueueListener> event) {
		for (QueueListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (Throwable ex) {
				logger.warn("Queue '{}': listener {} failed; the job's outcome is unchanged", this.queue, listener, ex);
			}
		}
	}

}
