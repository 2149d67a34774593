package io.asyncqueue.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.PushGuard;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.spring.TestJobs.AlwaysFailsJob;
import io.asyncqueue.spring.TestJobs.BulkOrdersJob;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.EventRecorder;
import io.asyncqueue.spring.TestJobs.ForwardOrderJob;
import io.asyncqueue.spring.TestJobs.Handled;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.event.AfterHandleEvent;
import io.asyncqueue.spring.event.BeforeHandleEvent;
import io.asyncqueue.spring.event.FailedEvent;
import io.asyncqueue.spring.event.QueueLengthEvent;
import io.asyncqueue.spring.event.RetryEvent;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An application with jobs, against a real Redis.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = AsyncQueueIntegrationTests.App.class,
		properties = { "async-queue.queue-length-interval=100ms", "async-queue.defaults.blocking-timeout=1s",
				"async-queue.queues.orders.channel=it:orders", "async-queue.queues.orders.concurrency=2",
				"async-queue.queues.orders-bulk.channel=it:orders-bulk",
				"async-queue.queues.flaky.channel=it:flaky", "async-queue.queues.flaky.max-attempts=2" })
class AsyncQueueIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	private QueueTemplate queueTemplate;

	@Autowired
	private QueueOperations operations;

	@Autowired
	private Recorder recorder;

	@Autowired
	private EventRecorder events;

	@Autowired
	private SucceededJobs listener;

	@Test
	void pushedJobIsHandledByItsBean() {
		PushResult result = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u1", 42));
		Handled handled = awaitHandled(result.id());
		assertThat(handled.payload()).isEqualTo(new CreateOrder("u1", 42));
		assertThat(handled.queue()).isEqualTo("orders");
		assertThat(handled.jobName()).isEqualTo("CreateOrderJob");
		assertThat(handled.attempt()).isEqualTo(1);
	}

	@Test
	void nestedGenericPayloadIsReadWithItsType() {
		Map<String, List<CreateOrder>> orders = Map.of("u2", List.of(new CreateOrder("u2", 1), new CreateOrder("u2", 2)));
		PushResult result = this.queueTemplate.push(BulkOrdersJob.class, orders);
		assertThat(awaitHandled(result.id()).payload()).isEqualTo(orders);
	}

	@Test
	void delayedJobRunsWhenDue() {
		Instant pushedAt = Instant.now();
		PushResult result = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u3", 1),
				PushOptions.delay(Duration.ofMillis(800)));
		assertThat(awaitHandled(result.id()).at()).isAfterOrEqualTo(pushedAt.plusMillis(750));
	}

	@Test
	void jobAtAnInstantRunsWhenDue() {
		Instant due = Instant.now().plusMillis(600);
		PushResult result = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u4", 1), PushOptions.at(due));
		assertThat(awaitHandled(result.id()).at()).isAfterOrEqualTo(due.minusMillis(50));
	}

	@Test
	void uniqueIdRefusesASecondCopy() {
		PushOptions options = PushOptions.delay(Duration.ofMillis(300)).uniqueId("u5-1");
		PushResult first = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u5", 1), options);
		PushResult second = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u5", 1), options);
		assertThat(first.created()).isTrue();
		assertThat(second.duplicate()).isTrue();
		assertThat(second.id()).isEqualTo(first.id());
		awaitHandled(first.id());
		assertThat(this.recorder.handled).filteredOn((h) -> h.jobId().equals(first.id())).hasSize(1);
	}

	@Test
	void aGuardedPushTakesItsUnitAndQueuesItsJobTogether() {
		String stock = this.queueTemplate.guardKey(CreateOrderJob.class, "stock:u7");
		assertThat(stock).isEqualTo("{it:orders}:guard:stock:u7");
		PushGuard takeOne = PushGuard.script("""
				if tonumber(redis.call('GET', KEYS[1]) or '0') <= 0 then return false, 'sold_out' end
				return true, redis.call('DECR', KEYS[1])
				""").keys(stock);
		PushResult refused = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u7", 1),
				PushOptions.guardedBy(takeOne));
		assertThat(refused.refusedByGuard()).isTrue();
		assertThat(refused.guardReply()).isEqualTo("sold_out");
		// a refusing guard's writes stay: the one way this test has to put one unit in stock
		this.queueTemplate.getQueueClient()
			.push("orders", "set-stock", "ignored", PushOptions.guardedBy(
					PushGuard.script("redis.call('SET', KEYS[1], ARGV[1]) return false").keys(stock).args("1")));
		PushResult taken = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u7", 2),
				PushOptions.guardedBy(takeOne));
		assertThat(taken.created()).isTrue();
		assertThat(taken.guardReply()).isEqualTo(0L);
		assertThat(awaitHandled(taken.id()).payload()).isEqualTo(new CreateOrder("u7", 2));
	}

	@Test
	void batchesAndAsynchronousPushesAreHandled() {
		List<PushResult> batch = this.queueTemplate.pushAll(CreateOrderJob.class,
				List.of(new CreateOrder("u6", 1), new CreateOrder("u6", 2), new CreateOrder("u6", 3)),
				(order) -> PushOptions.unique("u6-" + order.item()));
		CompletableFuture<PushResult> async = this.queueTemplate.pushAsync(CreateOrderJob.class, new CreateOrder("u6", 4));
		CompletableFuture<List<PushResult>> asyncBatch = this.queueTemplate.pushAllAsync(CreateOrderJob.class,
				List.of(new CreateOrder("u6", 5)));
		assertThat(batch).hasSize(3).allMatch(PushResult::created);
		batch.forEach((result) -> awaitHandled(result.id()));
		awaitHandled(async.join().id());
		awaitHandled(asyncBatch.join().get(0).id());
	}

	@Test
	void jobCanBePushedToAnotherOfItsQueues() {
		PushResult result = this.queueTemplate.onQueue("orders-bulk").push(ForwardOrderJob.class, new CreateOrder("u7", 1));
		assertThat(awaitHandled(result.id()).queue()).isEqualTo("orders-bulk");
	}

	@Test
	void pushToAQueueTheJobDoesNotListFails() {
		QueueTemplate bulk = this.queueTemplate.onQueue("orders-bulk");
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> bulk.push(CreateOrderJob.class, new CreateOrder("u7", 2)))
			.withMessageStartingWith("Job 'CreateOrderJob' (" + CreateOrderJob.class.getName()
					+ ") does not run on queue 'orders-bulk': its @QueueJob queues are [orders]");
		assertThat(bulk.pushAllAsync(CreateOrderJob.class, List.of(new CreateOrder("u7", 3)))).failsWithin(WAIT)
			.withThrowableThat()
			.havingRootCause()
			.withMessageContaining("does not run on queue 'orders-bulk'");
	}

	@Test
	void pushToUndeclaredQueueFails() {
		assertThatExceptionOfType(QueueException.class).isThrownBy(() -> this.queueTemplate.onQueue("nope"))
			.withMessageContaining("declare it under async-queue.queues.nope");
	}

	@Test
	void failingJobIsRetriedThenParkedInFailed() {
		PushResult result = this.queueTemplate.push(AlwaysFailsJob.class, "boom");
		await().atMost(WAIT).untilAsserted(() -> assertThat(failedEvents(result.id())).hasSize(1));
		assertThat(this.recorder.handled).filteredOn((h) -> h.jobId().equals(result.id()))
			.extracting(Handled::attempt)
			.containsExactly(1, 2, 3);
		List<RetryEvent> retries = this.events.of(RetryEvent.class)
			.stream()
			.filter((event) -> event.getJobId().equals(result.id()))
			.toList();
		assertThat(retries).extracting(RetryEvent::getAttempt).containsExactly(1, 2);
		assertThat(retries).allSatisfy((retry) -> {
			assertThat(retry.getFailure()).isInstanceOf(IllegalStateException.class);
			assertThat(retry.getNextAttemptAt()).isAfter(Instant.ofEpochMilli(retry.getTimestamp()));
		});
		FailedEvent failed = failedEvents(result.id()).get(0);
		assertThat(failed.getAttempt()).isEqualTo(3);
		assertThat(failed.getMaxAttempts()).isEqualTo(3);
		assertThat(failed.getFailure()).hasMessage("boom 3");
		assertThat(this.operations.failedJobs("flaky", 0, 100)).anySatisfy((job) -> {
			assertThat(job.id()).isEqualTo(result.id());
			assertThat(job.jobName()).isEqualTo("AlwaysFailsJob");
			assertThat(job.attempts()).isEqualTo(3);
		});
	}

	@Test
	void eventsFollowEachExecution() {
		PushResult result = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u8", 1));
		awaitHandled(result.id());
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.of(AfterHandleEvent.class))
			.anyMatch((event) -> event.getJobId().equals(result.id())));
		BeforeHandleEvent before = this.events.of(BeforeHandleEvent.class)
			.stream()
			.filter((event) -> event.getJobId().equals(result.id()))
			.findFirst()
			.orElseThrow();
		AfterHandleEvent after = this.events.of(AfterHandleEvent.class)
			.stream()
			.filter((event) -> event.getJobId().equals(result.id()))
			.findFirst()
			.orElseThrow();
		assertThat(before.getQueue()).isEqualTo("orders");
		assertThat(before.getJobName()).isEqualTo("CreateOrderJob");
		assertThat(before.getSource()).isInstanceOf(QueueContainer.class);
		assertThat(after.getOutcome()).isEqualTo(JobOutcome.SUCCEEDED);
		assertThat(after.isSucceeded()).isTrue();
		assertThat(after.getDuration().isNegative()).isFalse();
		assertThat(after.getFailure()).isNull();
		assertThat(this.events.events.indexOf(before)).isLessThan(this.events.events.indexOf(after));
	}

	@Test
	void queueLengthIsSampledForEveryDeclaredQueue() {
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.of(QueueLengthEvent.class))
			.extracting(QueueLengthEvent::getQueue)
			.contains("orders", "orders-bulk", "flaky"));
		QueueLengthEvent sample = this.events.of(QueueLengthEvent.class).get(0);
		QueueCounts counts = sample.getCounts();
		assertThat(sample.getWaiting()).isEqualTo(counts.waiting());
		assertThat(sample.getFailed()).isGreaterThanOrEqualTo(0);
	}

	private List<FailedEvent> failedEvents(String id) {
		return this.events.of(FailedEvent.class).stream().filter((event) -> event.getJobId().equals(id)).toList();
	}

	private Handled awaitHandled(String id) {
		return await().atMost(WAIT)
			.until(() -> this.recorder.handled.stream().filter((h) -> h.jobId().equals(id)).findFirst().orElse(null),
					(handled) -> handled != null);
	}

	@Test
	void queueListenerBeansSeeEveryExecution() {
		PushResult result = this.queueTemplate.push(CreateOrderJob.class, new CreateOrder("u9", 1));
		await().atMost(WAIT).until(() -> this.listener.succeeded.contains(result.id()));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Recorder.class, EventRecorder.class, CreateOrderJob.class, ForwardOrderJob.class, BulkOrdersJob.class,
			AlwaysFailsJob.class, SucceededJobs.class })
	static class App {

	}

	/** A {@link QueueObserver} bean, as a metrics integration would add. */
	static class SucceededJobs implements QueueObserver {

		final Set<String> succeeded = ConcurrentHashMap.newKeySet();

		@Override
		public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
			if (outcome == JobOutcome.SUCCEEDED) {
				this.succeeded.add(job.id());
			}
		}

	}

}
