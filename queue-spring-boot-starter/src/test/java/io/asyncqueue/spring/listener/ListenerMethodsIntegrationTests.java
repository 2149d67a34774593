package io.asyncqueue.spring.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.EventRecorder;
import io.asyncqueue.spring.TestJobs.Handled;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.event.AfterHandleEvent;
import io.asyncqueue.spring.event.BeforeHandleEvent;
import io.asyncqueue.spring.event.FailedEvent;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link QueueListener @QueueListener} and {@link AsyncQueueMessage @AsyncQueueMessage} methods in an
 * application, against a real Redis.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = ListenerMethodsIntegrationTests.App.class,
		properties = { "async-queue.defaults.blocking-timeout=1s", "async-queue.queues.orders.channel=lm:orders",
				"async-queue.queues.listen.channel=lm:listen", "async-queue.queues.mail.channel=lm:mail",
				"async-queue.queues.mail-later.channel=lm:mail-later" })
class ListenerMethodsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	private QueueTemplate queueTemplate;

	@Autowired
	private QueueClient client;

	@Autowired
	private QueueOperations operations;

	@Autowired
	private Recorder recorder;

	@Autowired
	private EventRecorder events;

	@Autowired
	private Receipts receipts;

	@Autowired
	private Calls calls;

	@Autowired
	private RedisConnector redis;

	@Test
	void listenerMethodRunsJobsPushedByItsName() {
		PushResult result = this.queueTemplate.push("OrderListeners.on", new CreateOrder("u1", 7));
		Handled handled = awaitHandled(result.id());
		assertThat(handled.jobName()).isEqualTo("OrderListeners.on");
		assertThat(handled.queue()).isEqualTo("listen");
		assertThat(handled.payload()).isEqualTo(new CreateOrder("u1", 7));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.events.of(AfterHandleEvent.class))
				.anyMatch((event) -> event.getJobId().equals(result.id())));
		assertThat(this.events.of(BeforeHandleEvent.class)).anySatisfy((event) -> {
			assertThat(event.getJobId()).isEqualTo(result.id());
			assertThat(event.getJobName()).isEqualTo("OrderListeners.on");
		});
	}

	@Test
	void payloadOfATypeOnlyOneJobTakesIsPushedToIt() {
		PushResult result = this.queueTemplate.pushPayload(new Parcel("p1"));
		Handled handled = awaitHandled(result.id());
		assertThat(handled.jobName()).isEqualTo("parcels");
		assertThat(handled.payload()).isEqualTo(new Parcel("p1"));
	}

	@Test
	void listenerPayloadKeepsItsGenerics() {
		PushResult result = this.queueTemplate.push("shipments", List.of(new Parcel("a"), new Parcel("b")));
		assertThat(awaitHandled(result.id()).payload()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.containsExactly(new Parcel("a"), new Parcel("b"));
	}

	@Test
	void queueJobClassIsPushedByItsNameToo() {
		PushResult result = this.queueTemplate.push("CreateOrderJob", new CreateOrder("u2", 1));
		assertThat(awaitHandled(result.id()).queue()).isEqualTo("orders");
	}

	@Test
	void payloadTypeTakenByTwoJobsIsRefusedNamingBoth() {
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> this.queueTemplate.pushPayload(new CreateOrder("u3", 1)))
			.withMessageStartingWith("More than one job takes " + CreateOrder.class.getName())
			.withMessageContaining("'CreateOrderJob' (@QueueJob on " + CreateOrderJob.class.getName() + ")")
			.withMessageContaining("'OrderListeners.on' (@QueueListener on " + OrderListeners.class.getName()
					+ ".on(CreateOrder, JobContext))");
	}

	@Test
	void unknownNameOrWrongPayloadIsRefused() {
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> this.queueTemplate.push("nope", new Parcel("x")))
			.withMessageStartingWith("No job of this application is named 'nope'")
			.withMessageContaining("'parcels'");
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> this.queueTemplate.push("parcels", "not a parcel"))
			.withMessageStartingWith("Job 'parcels' takes " + Parcel.class.getName() + ", not java.lang.String");
	}

	@Test
	void listenerAttributesOverrideTheQueue() {
		PushResult result = this.queueTemplate.push("flaky", "x");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.events.of(FailedEvent.class))
				.anyMatch((event) -> event.getJobId().equals(result.id())));
		FailedEvent failed = this.events.of(FailedEvent.class)
			.stream()
			.filter((event) -> event.getJobId().equals(result.id()))
			.findFirst()
			.orElseThrow();
		assertThat(failed.getAttempt()).isEqualTo(2);
		assertThat(failed.getMaxAttempts()).isEqualTo(2);
		assertThat(failed.getFailure()).hasMessage("boom 2");
	}

	@Test
	void callPushesAJobAndReturnsBeforeTheMethodRuns() throws Exception {
		CountDownLatch gate = this.calls.gate();
		Thread caller = Thread.currentThread();
		this.receipts.send(new CreateOrder("u4", 2), List.of(new Parcel("l1")));
		assertThat(this.calls.of("send")).as("the method waits for the gate: it has not run in this call").isEmpty();
		gate.countDown();
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("send")).hasSize(1));
		Call call = this.calls.of("send").get(0);
		assertThat(call.arguments()).containsExactly(new CreateOrder("u4", 2), List.of(new Parcel("l1")));
		assertThat(call.thread()).isNotSameAs(caller);
		assertThat(this.events.of(BeforeHandleEvent.class))
			.anyMatch((event) -> event.getJobName().equals("Receipts.send(CreateOrder,List)"));
	}

	@Test
	void uniqueIdFromAnArgumentRefusesADuplicateWhileTheFirstWaits() {
		this.receipts.remind("u5");
		this.receipts.remind("u5");
		this.receipts.remind("u6");
		assertThat(this.operations.counts("mail-later").delayed()).isEqualTo(2);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("remind")).hasSize(2));
		assertThat(this.calls.of("remind")).extracting((call) -> call.arguments().get(0))
			.containsExactlyInAnyOrder("u5", "u6");
	}

	@Test
	void groupFromAnArgumentIsPushedWithTheJob() throws Exception {
		this.receipts.digest("u7");
		List<String> envelopes = this.redis.commands().hvals("{lm:mail-later}:jobs").toCompletableFuture().get();
		assertThat(envelopes).filteredOn((envelope) -> envelope.contains("Receipts.digest(String)"))
			.singleElement()
			.satisfies((envelope) -> assertThat(envelope).contains("\"group\":\"digest-u7\""));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("digest")).hasSize(1));
	}

	@Test
	void priorityAttributeIsPushedWithTheJob() {
		this.receipts.escalate("e1");
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("escalate")).hasSize(1));
		assertThat(this.events.of(BeforeHandleEvent.class))
			.filteredOn((event) -> "Receipts.escalate(String)".equals(event.getJobName()))
			.singleElement()
			.satisfies((event) -> assertThat(event.getJob().priority()).isEqualTo(7));
	}

	@Test
	void futureCompletesOnceTheJobIsInRedis() throws Exception {
		CompletableFuture<Void> future = this.receipts.confirm("c1");
		assertThat(future.get(10, TimeUnit.SECONDS)).isNull();
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("confirm")).hasSize(1));
	}

	@Test
	void futureOfAPushThatCannotBeMadeCompletesExceptionally() {
		CompletableFuture<Void> future = this.receipts.confirmOnce(null);
		assertThat(future).failsWithin(WAIT)
			.withThrowableThat()
			.havingRootCause()
			.withMessageContaining("uniqueId expression '#p0' gave null");
	}

	@Test
	void selfInvocationRunsAtOnceInTheCaller() {
		this.receipts.noteThroughThis("n1");
		assertThat(this.calls.of("note")).singleElement()
			.satisfies((call) -> assertThat(call.thread()).isSameAs(Thread.currentThread()));
	}

	@Test
	void callMadeByTheConsumerPushesAJobOfItsOwn() {
		this.receipts.chain("c2");
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("follow")).hasSize(1));
		assertThat(this.events.of(BeforeHandleEvent.class))
			.anyMatch((event) -> event.getJobName().equals("Followups.follow(String)"));
	}

	@Test
	void consumerRunsTheMethodThroughTheRestOfItsAdvice() {
		this.receipts.inTransaction("t1");
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.calls.of("inTransaction")).singleElement()
			.satisfies((call) -> assertThat(call.arguments()).as("a transaction is active").containsExactly(true)));
	}

	@Test
	void argumentsThatNoLongerFitAreParkedWithTheReasonWithoutRetries() {
		String wrongType = this.client.push("mail", "receipts.count", List.of("not a number"), PushOptions.now()).id();
		String wrongArity = this.client.push("mail", "receipts.count", List.of(1, 2), PushOptions.now()).id();
		String oldSignature = this.client.push("mail", "Receipts.count(String)", List.of("1"), PushOptions.now()).id();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.operations.failedJobs("mail", 0, 100)).extracting((job) -> job.id())
				.contains(wrongType, wrongArity, oldSignature));
		assertThat(this.operations.failedJobs("mail", 0, 100)).allSatisfy((job) -> {
			assertThat(job.attempts()).as("no retry, although the method allows 3 attempts").isEqualTo(1);
			if (job.id().equals(wrongType)) {
				assertThat(job.reason()).startsWith("argument 0 does not fit @AsyncQueueMessage on "
						+ Receipts.class.getName() + ".count(int): payload does not fit int");
			}
			if (job.id().equals(wrongArity)) {
				assertThat(job.reason()).isEqualTo("the stored arguments [1,2] do not fit @AsyncQueueMessage on "
						+ Receipts.class.getName() + ".count(int): it takes 1 argument(s)");
			}
			if (job.id().equals(oldSignature)) {
				assertThat(job.reason()).startsWith("unknown job 'Receipts.count(String)'");
			}
		});
		assertThat(this.calls.of("count")).isEmpty();
	}

	private Handled awaitHandled(String id) {
		await().atMost(WAIT).until(() -> this.recorder.handled.stream().anyMatch((h) -> h.jobId().equals(id)));
		return this.recorder.handled.stream().filter((h) -> h.jobId().equals(id)).findFirst().orElseThrow();
	}

	public record Parcel(String id) {
	}

	record Call(String method, List<Object> arguments, Thread thread) {
	}

	static class Calls {

		private final List<Call> calls = new CopyOnWriteArrayList<>();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		CountDownLatch gate() {
			this.gate = new CountDownLatch(1);
			return this.gate;
		}

		void record(String method, Object... arguments) {
			this.calls.add(new Call(method, List.of(arguments), Thread.currentThread()));
		}

		void awaitGate() throws InterruptedException {
			this.gate.await(10, TimeUnit.SECONDS);
		}

		List<Call> of(String method) {
			return this.calls.stream().filter((call) -> call.method().equals(method)).toList();
		}

	}

	static class OrderListeners {

		private final Recorder recorder;

		OrderListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@QueueListener(queue = "listen")
		void on(CreateOrder order, JobContext context) {
			this.recorder.record(order, context);
		}

		@QueueListener(queue = "listen", name = "parcels")
		void parcel(Parcel parcel, JobContext context) {
			this.recorder.record(parcel, context);
		}

		@QueueListener(queue = "listen", name = "shipments")
		public void shipments(List<Parcel> parcels, JobContext context) {
			this.recorder.record(parcels, context);
		}

		@QueueListener(queue = "listen", name = "flaky", maxAttempts = 2, retryBackoff = "50ms")
		void flaky(String payload, JobContext context) {
			throw new IllegalStateException("boom " + context.attempt());
		}

	}

	static class Receipts {

		private final Calls calls;

		private final Followups followups;

		Receipts(Calls calls, Followups followups) {
			this.calls = calls;
			this.followups = followups;
		}

		@AsyncQueueMessage(queue = "mail")
		public void send(CreateOrder order, List<Parcel> lines) throws InterruptedException {
			this.calls.awaitGate();
			this.calls.record("send", order, lines);
		}

		@AsyncQueueMessage(queue = "mail-later", delay = "1s", uniqueId = "'remind-' + #user")
		public void remind(String user) {
			this.calls.record("remind", user);
		}

		@AsyncQueueMessage(queue = "mail")
		public CompletableFuture<Void> confirm(String id) {
			this.calls.record("confirm", id);
			return CompletableFuture.completedFuture(null);
		}

		@AsyncQueueMessage(queue = "mail", uniqueId = "#p0")
		public CompletableFuture<Void> confirmOnce(String id) {
			this.calls.record("confirmOnce", id);
			return CompletableFuture.completedFuture(null);
		}

		@AsyncQueueMessage(queue = "mail")
		public void note(String text) {
			this.calls.record("note", text);
		}

		public void noteThroughThis(String text) {
			note(text);
		}

		@AsyncQueueMessage(queue = "mail")
		public void chain(String text) {
			this.followups.follow(text);
		}

		@Transactional
		@AsyncQueueMessage(queue = "mail")
		public void inTransaction(String text) {
			this.calls.record("inTransaction", TransactionSynchronizationManager.isActualTransactionActive());
		}

		@AsyncQueueMessage(queue = "mail-later", delay = "1s", group = "'digest-' + #user")
		public void digest(String user) {
			this.calls.record("digest", user);
		}

		@AsyncQueueMessage(queue = "mail", priority = 7)
		public void escalate(String user) {
			this.calls.record("escalate", user);
		}

		@AsyncQueueMessage(queue = "mail", name = "receipts.count", maxAttempts = 3)
		public void count(int count) {
			this.calls.record("count", count);
		}

	}

	static class Followups {

		private final Calls calls;

		Followups(Calls calls) {
			this.calls = calls;
		}

		@AsyncQueueMessage(queue = "mail")
		public void follow(String text) {
			this.calls.record("follow", text);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Recorder.class, EventRecorder.class, CreateOrderJob.class, OrderListeners.class, Receipts.class,
			Followups.class, Calls.class })
	static class App {

	}

}
