package io.asyncqueue.sample.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.asyncqueue.spring.event.BeforeHandleEvent;
import io.asyncqueue.spring.event.FailedEvent;
import io.asyncqueue.spring.event.RetryEvent;

/**
 * Counts what the consumers of this process did, per queue, from the starter's application events: how to
 * watch jobs without touching them. Listeners run on the worker's thread, so they only count. The load
 * driver's report takes its "executions · retries · failed" line from here, as a difference between two
 * {@link #snapshot(String) snapshots} taken around one demo run.
 *
 * <p>For dashboards and alerts, use the starter's meters instead ({@code asyncqueue.jobs},
 * {@code asyncqueue.job.duration}, {@code asyncqueue.job.wait} and the depth gauge
 * {@code asyncqueue.queue.jobs}, in {@code /actuator/prometheus}); nothing here is published as a meter.
 */
@Component
public class QueueActivity {

	private final Map<String, Counts> queues = new ConcurrentHashMap<>();

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
