package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.ThreadFactories;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.asyncqueue.spring.event.QueueLengthEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes a {@link QueueLengthEvent} for every declared queue at a fixed interval, each read in one
 * atomic step, on one scheduler thread of its own, while the application runs.
 */
final class QueueLengthPublisher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(QueueLengthPublisher.class);

	private final QueueOperations operations;

	private final ApplicationEventPublisher eventPublisher;

	private final Duration interval;

	private final ReentrantLock lifecycle = new ReentrantLock();

	private @Nullable ScheduledExecutorService scheduler;

	QueueLengthPublisher(QueueOperations operations, ApplicationEventPublisher eventPublisher, Duration interval) {
		this.operations = operations;
		this.eventPublisher = eventPublisher;
		this.interval = interval;
	}

	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.scheduler != null || this.interval.isZero() || this.interval.isNegative()) {
				return;
			}
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
					ThreadFactories.platform("async-queue-length-"));
			scheduler.setRemoveOnCancelPolicy(true);
			long millis = Math.max(this.interval.toMillis(), 1);
			scheduler.scheduleWithFixedDelay(this::sample, millis, millis, TimeUnit.MILLISECONDS);
			this.scheduler = scheduler;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	void sample() {
		for (QueueSettings queue : this.operations.queues().all()) {
			QueueCounts counts;
			try {
				counts = this.operations.counts(queue.name());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not sample the length of queue '" + queue.name() + "'", ex);
				continue;
			}
			try {
				this.eventPublisher.publishEvent(new QueueLengthEvent(this, counts));
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of QueueLengthEvent failed", ex);
			}
		}
	}

	@Override
	public void stop() {
		this.lifecycle.lock();
		try {
			if (this.scheduler != null) {
				this.scheduler.shutdownNow();
				this.scheduler = null;
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		return QueueContainerRegistry.DEFAULT_PHASE;
	}

	@Override
	public String toString() {
		return "QueueLengthPublisher[interval=" + this.interval + "]";
	}

}
