package io.asyncqueue.core.worker;

import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueObserver;

/**
 * Calls every {@link QueueObserver} of one queue, in order, on the calling thread. An observer that throws is
 * logged and skipped: an observer never changes a job's outcome.
 */
public final class ObserverFanOut {

	private static final Logger logger = LoggerFactory.getLogger(ObserverFanOut.class);

	private final String queue;

	private final List<QueueObserver> observers;

	/**
	 * A fan-out to the given observers.
	 * @param queue the queue, for log lines
	 * @param observers the observers, called in this order
	 */
	public ObserverFanOut(String queue, List<QueueObserver> observers) {
		this.queue = queue;
		this.observers = List.copyOf(observers);
	}

	void fire(Consumer<QueueObserver> event) {
		for (QueueObserver observer : this.observers) {
			try {
				event.accept(observer);
			}
			catch (Throwable ex) {
				logger.warn("Queue '{}': observer {} failed; the job's outcome is unchanged", this.queue, observer, ex);
			}
		}
	}

}
