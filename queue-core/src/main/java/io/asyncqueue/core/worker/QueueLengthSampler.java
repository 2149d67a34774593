package io.asyncqueue.core.worker;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.redis.RedisFailures;

/**
 * Samples a queue's counts for the listeners' {@code queueLength}. Asynchronous, so that it never holds the
 * timer thread that also renews leases while Redis is slow; a sample still in flight skips the next tick.
 */
public final class QueueLengthSampler implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(QueueLengthSampler.class);

	private final QueueSettings settings;

	private final QueueOperations operations;

	private final ObserverFanOut observers;

	private final Executor events;

	private final AtomicBoolean inFlight = new AtomicBoolean();

	/**
	 * A sampler of one queue.
	 * @param settings the queue
	 * @param operations reads its counts
	 * @param listeners hear of each sample
	 * @param events where listeners are called (never Lettuce's I/O thread)
	 */
	public QueueLengthSampler(QueueSettings settings, QueueOperations operations, ObserverFanOut listeners,
			Executor events) {
		this.settings = settings;
		this.operations = operations;
		this.observers = listeners;
		this.events = events;
	}

	@Override
	public void run() {
		if (!this.inFlight.compareAndSet(false, true)) {
			return;
		}
		this.operations.countsAsync(this.settings.name()).whenCompleteAsync((counts, failure) -> {
			this.inFlight.set(false);
			if (failure != null) {
				logger.debug("Queue '{}': could not sample its length: {}", this.settings.name(),
						RedisFailures.unwrap(failure).getMessage());
				return;
			}
			this.observers.fire((observer) -> observer.queueLength(counts));
		}, this.events);
	}

}
