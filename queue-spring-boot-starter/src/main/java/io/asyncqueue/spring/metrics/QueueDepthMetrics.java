package io.asyncqueue.spring.metrics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.asyncqueue.core.JobState;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.spring.QueueCountsSampler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

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
public class QueueDepthMetrics extends QueueCountsSampler implements MeterBinder {

	/** The depth gauge. */
	public static final String QUEUE_JOBS = "asyncqueue.queue.jobs";

	private final Map<String, AtomicReference<@Nullable QueueCounts>> counts = new LinkedHashMap<>();

	/**
	 * Gauges for every queue the operations know.
	 * @param operations the operations
	 * @param interval how often to read the counts
	 */
	public QueueDepthMetrics(QueueOperations operations, Duration interval) {
		// the first read on start, so that the gauges are NaN for as short a time as possible
		super(operations, interval, true, "async-queue-metrics-");
		for (QueueSettings queue : operations.queues().all()) {
			this.counts.put(queue.name(), new AtomicReference<>());
		}
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (!isEnabled()) {
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
		sample();
	}

	@Override
	protected void handle(QueueCounts counts) {
		AtomicReference<@Nullable QueueCounts> latest = this.counts.get(counts.queue());
		if (latest != null) {
			latest.set(counts);
		}
	}

	@Override
	public String toString() {
		return "QueueDepthMetrics[queues=" + this.counts.keySet() + ", interval=" + getInterval() + "]";
	}

}
