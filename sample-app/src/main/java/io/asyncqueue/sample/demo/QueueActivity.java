package io.asyncqueue.sample.demo;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.asyncqueue.core.JobState;
import io.asyncqueue.spring.event.BeforeHandleEvent;
import io.asyncqueue.spring.event.FailedEvent;
import io.asyncqueue.spring.event.QueueLengthEvent;
import io.asyncqueue.spring.event.RetryEvent;

/**
 * Counts what the consumers of this process did, per queue, from the starter's application events: how to
 * watch jobs without touching them. Listeners run on the worker's thread, so they only count.
 *
 * <p>It also turns the starter's periodic {@link QueueLengthEvent} into the gauge {@code sample.queue.jobs}
 * (tags {@code queue}, {@code state}: waiting, delayed, reserved, failed, timeout), so that jobs parked in
 * {@code failed} show in {@code /actuator/metrics} and {@code /actuator/prometheus}.
 */
@Component
public class QueueActivity {

	private final Map<String, Counts> queues = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> lengths = new ConcurrentHashMap<>();

	private final MeterRegistry meters;

	public QueueActivity(MeterRegistry meters) {
		this.meters = meters;
	}

	@EventListener
	void sampled(QueueLengthEvent event) {
		for (JobState state : JobState.values()) {
			String stateName = state.name().toLowerCase(Locale.ROOT);
			this.lengths.computeIfAbsent(event.getQueue() + "/" + stateName, (key) -> {
				AtomicLong value = new AtomicLong();
				Gauge.builder("sample.queue.jobs", value, AtomicLong::get)
					.description("Jobs of a queue in a state, as last sampled (async-queue.queue-length-interval)")
					.tag("queue", event.getQueue())
					.tag("state", stateName)
					.register(this.meters);
				return value;
			}).set(event.get(state));
		}
	}

	@EventListener
	void started(BeforeHandleEvent event) {
		counts(event.getQueue()).executions.increment();
	}

	@EventListener
	void retrying(RetryEvent event) {
		counts(event.getQueue()).retries.increment();
	}

	@EventListener
	void failed(FailedEvent event) {
		counts(event.getQueue()).failed.increment();
	}

	/**
	 * What happened on a queue so far.
	 * @param queue the queue
	 * @return executions started, retries scheduled and jobs failed for good, since the application started
	 */
	public Snapshot snapshot(String queue) {
		Counts counts = counts(queue);
		return new Snapshot(counts.executions.sum(), counts.retries.sum(), counts.failed.sum());
	}

	private Counts counts(String queue) {
		return this.queues.computeIfAbsent(queue, (name) -> new Counts());
	}

	/**
	 * Counts at one moment.
	 * @param executions executions started
	 * @param retries failed executions that will run again
	 * @param failed jobs parked in {@code failed}
	 */
	public record Snapshot(long executions, long retries, long failed) {

		public Snapshot minus(Snapshot earlier) {
			return new Snapshot(this.executions - earlier.executions, this.retries - earlier.retries,
					this.failed - earlier.failed);
		}

	}

	private static final class Counts {

		final LongAdder executions = new LongAdder();

		final LongAdder retries = new LongAdder();

		final LongAdder failed = new LongAdder();

	}

}
