package io.asyncqueue.spring.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.ThreadFactories;
import io.asyncqueue.spring.QueueContainerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * The depth gauges {@code asyncqueue.queue.jobs} (tags {@code queue} and {@code state}: {@code waiting},
 * {@code delayed}, {@code reserved}, {@code failed}, {@code timeout}) of every declared queue. The counts
 * are read on a thread of its own at a fixed interval while the application runs, all queues at once
 * and each in one atomic Redis call, so a scrape never touches Redis. A gauge reports {@code NaN} until
 * the first read and keeps the last value read while Redis cannot be reached. With a zero interval there
 * are no gauges.
 *
 * @since 0.1.0
 */
public class QueueDepthMetrics implements MeterBinder, SmartLifecycle {

	/** The depth gauge. */
	public static final String QUEUE_JOBS = "asyncqueue.queue.jobs";

	private static final Log logger = LogFactory.getLog(QueueDepthMetrics.class);

	private final QueueOperations operations;

	private final Duration interval;

	private final Map<String, AtomicReference<@Nullable QueueCounts>> counts = new LinkedHashMap<>();

	private final ReentrantLock lifecycle = new ReentrantLock();

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Gauges for every queue the operations know.
	 * @param operations the operations
	 * @param interval how often to read the counts
	 */
	public QueueDepthMetrics(QueueOperations operations, Duration interval) {
		this.operations = Objects.requireNonNull(operations, "operations");
		this.interval = Objects.requireNonNull(interval, "interval");
		for (QueueSettings queue : operations.queues().all()) {
			this.counts.put(queue.name(), new AtomicReference<>());
		}
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.interval.isZero() || this.interval.isNegative()) {
			return;
		}
		for (Map.Entry<String, AtomicReference<@Nullable QueueCounts>> queue : this.counts.entrySet()) {
			for (JobState state : JobState.values()) {
				Gauge.builder(QUEUE_JOBS, queue.getValue(), (latest) -> value(latest.get(), state))
					.description("Jobs in a queue by state, as last read")
					.tags("queue", queue.getKey(), "state", state.key())
					.strongReference(true)
					.register(registry);
			}
		}
	}

	private static double value(@Nullable QueueCounts counts, JobState state) {
		return (counts != null) ? counts.get(state) : Double.NaN;
	}

	/**
	 * Read every queue's counts now, one atomic call per queue, all in flight together.
	 */
	public void refresh() {
		List<CompletableFuture<?>> reads = new ArrayList<>(this.counts.size());
		for (Map.Entry<String, AtomicReference<@Nullable QueueCounts>> queue : this.counts.entrySet()) {
			reads.add(this.operations.countsAsync(queue.getKey()).whenComplete((counts, failure) -> {
				if (failure != null) {
					logger.debug("Could not read the depth of queue '" + queue.getKey() + "'", failure);
				}
				else {
					queue.getValue().set(counts);
				}
			}));
		}
		try {
			CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
		}
		catch (RuntimeException ex) {
			// each failure was logged above
		}
	}

	@Override
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.scheduler != null || this.interval.isZero() || this.interval.isNegative()) {
				return;
			}
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
					ThreadFactories.platform("async-queue-metrics-"));
			scheduler.setRemoveOnCancelPolicy(true);
			long millis = Math.max(this.interval.toMillis(), 1);
			scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, millis, TimeUnit.MILLISECONDS);
			this.scheduler = scheduler;
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read queue depths", ex);
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
		return "QueueDepthMetrics[queues=" + this.counts.keySet() + ", interval=" + this.interval + "]";
	}

}
