package io.asyncqueue.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.ThreadFactories;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Base class for beans that read the job counts of every declared queue at a fixed interval, on one
 * scheduler thread of their own, while the application runs, and {@link #handle(QueueCounts) do
 * something} with each queue's counts: publish them as {@code QueueLengthEvent}s or keep them for the
 * {@code QueueDepthMetrics} gauges. Each sample reads all queues at once, each in one atomic Redis call;
 * a queue that cannot be read is skipped until the next sample, so an unreachable Redis never ends the
 * schedule. With a zero or negative interval, {@link #start()} does nothing.
 *
 * @since 0.1.0
 */
public abstract class QueueCountsSampler implements SmartLifecycle {

	/** Logger of the concrete class, so that a level set for a bean's class still applies to it. */
	protected final Log logger = LogFactory.getLog(getClass());

	private final QueueOperations operations;

	private final Duration interval;

	private final boolean sampleOnStart;

	private final String threadNamePrefix;

	private final ReentrantLock lifecycle = new ReentrantLock();

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * A sampler of every queue the operations know.
	 * @param operations the operations that read the counts
	 * @param interval the time from the end of one sample to the start of the next; zero or negative for
	 * never
	 * @param sampleOnStart whether to take the first sample on {@link #start()} rather than one interval
	 * later
	 * @param threadNamePrefix the name prefix of the scheduler thread
	 */
	protected QueueCountsSampler(QueueOperations operations, Duration interval, boolean sampleOnStart,
			String threadNamePrefix) {
		this.operations = Objects.requireNonNull(operations, "operations");
		this.interval = Objects.requireNonNull(interval, "interval");
		this.sampleOnStart = sampleOnStart;
		this.threadNamePrefix = Objects.requireNonNull(threadNamePrefix, "threadNamePrefix");
	}

	/**
	 * Handle the counts of one queue, read by {@link #sample()}: called once per queue read, in
	 * declaration order, on the thread that sampled.
	 * @param counts the counts
	 */
	protected abstract void handle(QueueCounts counts);

	/** How often to sample. */
	protected final Duration getInterval() {
		return this.interval;
	}

	/** Whether the interval is positive, so that {@link #start()} schedules sampling at all. */
	protected final boolean isEnabled() {
		return !this.interval.isZero() && !this.interval.isNegative();
	}

	/**
	 * Read every queue's counts now, one atomic call per queue, all in flight together, then
	 * {@link #handle(QueueCounts) handle} each queue read; a queue that could not be read is logged at
	 * debug level and skipped.
	 */
	protected final void sample() {
		// every read is sent before the first is awaited: one round trip for all queues, not one each
		Map<String, CompletableFuture<QueueCounts>> reads = new LinkedHashMap<>();
		for (QueueSettings queue : this.operations.queues().all()) {
			reads.put(queue.name(), this.operations.countsAsync(queue.name()));
		}
		for (Map.Entry<String, CompletableFuture<QueueCounts>> read : reads.entrySet()) {
			QueueCounts counts;
			try {
				counts = read.getValue().join();
			}
			catch (RuntimeException ex) {
				Throwable failure = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
				this.logger.debug("Could not read the counts of queue '" + read.getKey() + "'", failure);
				continue;
			}
			// handled on this thread, not on Redis's I/O thread that completed the read, so that slow
			// handlers (such as event listeners) never hold up Redis replies
			handle(counts);
		}
	}

	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.scheduler != null || !isEnabled()) {
				return;
			}
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
					ThreadFactories.platform(this.threadNamePrefix));
			scheduler.setRemoveOnCancelPolicy(true);
			long millis = Math.max(this.interval.toMillis(), 1);
			scheduler.scheduleWithFixedDelay(this::sampleQuietly, this.sampleOnStart ? 0 : millis, millis,
					TimeUnit.MILLISECONDS);
			this.scheduler = scheduler;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	private void sampleQuietly() {
		try {
			sample();
		}
		catch (RuntimeException ex) {
			// a periodic task that throws is never run again: log and keep the schedule
			this.logger.debug("Could not sample the queues", ex);
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

	/**
	 * The phase of the consumer containers: after the Redis connection has started and before it stops.
	 */
	@Override
	public int getPhase() {
		return QueueContainerRegistry.DEFAULT_PHASE;
	}

}
