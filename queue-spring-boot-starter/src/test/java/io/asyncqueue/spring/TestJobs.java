package io.asyncqueue.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.JobContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;

/**
 * Jobs, payloads and recorders shared by the tests.
 */
public final class TestJobs {

	private TestJobs() {
	}

	public record CreateOrder(String user, long item) {
	}

	public record Handled(String queue, String jobName, String jobId, int attempt, Object payload, Instant at,
			String thread, boolean virtual) {
	}

	/** What the jobs saw, injected into them by constructor. */
	public static class Recorder {

		public final List<Handled> handled = new CopyOnWriteArrayList<>();

		public void record(Object payload, JobContext context) {
			Thread thread = Thread.currentThread();
			this.handled.add(new Handled(context.queue(), context.jobName(), context.id(), context.attempt(), payload,
					Instant.now(), thread.getName(), isVirtual(thread)));
		}

		public List<Handled> of(String jobName) {
			return this.handled.stream().filter((h) -> jobName.equals(h.jobName())).toList();
		}

		private static boolean isVirtual(Thread thread) {
			try {
				return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
			}
			catch (ReflectiveOperationException ex) {
				return false;
			}
		}

	}

	/** Every event, in order. */
	public static class EventRecorder {

		public final List<Object> events = new CopyOnWriteArrayList<>();

		@EventListener
		public void on(io.asyncqueue.spring.event.QueueEvent event) {
			this.events.add(event);
		}

		public <E> List<E> of(Class<E> type) {
			return this.events.stream().filter(type::isInstance).map(type::cast).toList();
		}

	}

	@QueueJob(queue = "orders")
	public static class CreateOrderJob implements Job<CreateOrder> {

		private final Recorder recorder;

		public CreateOrderJob(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void handle(CreateOrder order, JobContext context) {
			this.recorder.record(order, context);
		}

	}

	/** Runs on two queues. */
	@QueueJob(queue = { "orders", "orders-bulk" }, name = "forward-order")
	public static class ForwardOrderJob implements Job<CreateOrder> {

		private final Recorder recorder;

		public ForwardOrderJob(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void handle(CreateOrder order, JobContext context) {
			this.recorder.record(order, context);
		}

	}

	/** Nested generics as payload. */
	@QueueJob(queue = "orders", name = "bulk-orders")
	public static class BulkOrdersJob implements Job<Map<String, List<CreateOrder>>> {

		private final Recorder recorder;

		public BulkOrdersJob(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void handle(Map<String, List<CreateOrder>> orders, JobContext context) {
			this.recorder.record(orders, context);
		}

	}

	/** Fails every attempt. */
	@QueueJob(queue = "flaky", maxAttempts = 3, retryBackoff = { "50ms", "100ms" })
	public static class AlwaysFailsJob implements Job<String> {

		private final Recorder recorder;

		public AlwaysFailsJob(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void handle(String payload, JobContext context) {
			this.recorder.record(payload, context);
			throw new IllegalStateException("boom " + context.attempt());
		}

	}

	/** Sleeps for the payload's milliseconds (at most {@code test.sleep-cap}); records only when it finished. */
	@QueueJob(queue = "slow")
	public static class SleepJob implements Job<Long> {

		private final Recorder recorder;

		private final long capMillis;

		public SleepJob(Recorder recorder, @Value("${test.sleep-cap:1h}") Duration cap) {
			this.recorder = recorder;
			this.capMillis = cap.toMillis();
		}

		@Override
		public void handle(Long millis, JobContext context) throws InterruptedException {
			Thread.sleep(Math.min(millis, this.capMillis));
			this.recorder.record(millis, context);
		}

	}

	/** Not a Job, but annotated. */
	@QueueJob
	public static class NotAJob {

	}

	/** Same simple name as {@link CreateOrderJob}, in another class. */
	public static final class Other {

		private Other() {
		}

		@QueueJob(queue = "orders")
		public static class CreateOrderJob implements Job<String> {

			@Override
			public void handle(String payload, JobContext context) {
			}

		}

	}

	@QueueJob(queue = "nowhere")
	public static class UndeclaredQueueJob implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob(handleTimeout = "soon")
	public static class BadTimeoutJob implements Job<String> {

		@Override
		public void handle(String payload, JobContext context) {
		}

	}

	@QueueJob
	public static class DefaultQueueJob implements Job<String> {

		private final Recorder recorder;

		public DefaultQueueJob(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		public void handle(String payload, JobContext context) {
			this.recorder.record(payload, context);
		}

	}

}
