package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;

import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.QueueCountsSampler;
import io.asyncqueue.spring.event.QueueLengthEvent;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes a {@link QueueLengthEvent} for every declared queue at a fixed interval, each read in one
 * atomic step, on one scheduler thread of its own, while the application runs.
 */
final class QueueLengthPublisher extends QueueCountsSampler {

	private final ApplicationEventPublisher eventPublisher;

	QueueLengthPublisher(QueueOperations operations, ApplicationEventPublisher eventPublisher, Duration interval) {
		// the first event one interval after start, like every later one: nothing waits for it
		super(operations, interval, false, "async-queue-length-");
		this.eventPublisher = eventPublisher;
	}

	@Override
	protected void handle(QueueCounts counts) {
		try {
			this.eventPublisher.publishEvent(new QueueLengthEvent(this, counts));
		}
		catch (RuntimeException ex) {
			// one failing listener must not cost the other queues their events
			this.logger.warn("A listener of QueueLengthEvent failed", ex);
		}
	}

	@Override
	public String toString() {
		return "QueueLengthPublisher[interval=" + getInterval() + "]";
	}

}
