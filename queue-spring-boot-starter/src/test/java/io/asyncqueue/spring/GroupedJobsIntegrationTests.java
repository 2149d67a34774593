package io.asyncqueue.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.spring.listener.QueueListener;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A job whose {@code @QueueJob(group = ...)} (or {@code @QueueListener(group = ...)}) derives its group from the
 * payload, against a real Redis: with handlers to spare, one customer's jobs still run one at a time and in push
 * order.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = GroupedJobsIntegrationTests.App.class,
		properties = { "async-queue.defaults.blocking-timeout=1s", "async-queue.queues.customers.concurrency=6" })
class GroupedJobsIntegrationTests {

	@Autowired
	private QueueTemplate queueTemplate;

	@Autowired
	private CustomerJob job;

	@Autowired
	private CustomerListener listener;

	@Test
	void aCustomersJobsRunOneAtATimeInPushOrder() {
		List<CustomerOrder> orders = new ArrayList<>();
		for (int n = 0; n < 6; n++) {
			for (String customer : List.of("c1", "c2", "c3")) {
				orders.add(new CustomerOrder(customer, n));
			}
		}
		this.queueTemplate.pushAll(CustomerJob.class, orders.subList(0, 9));
		orders.subList(9, 18).forEach((order) -> this.queueTemplate.push(CustomerJob.class, order));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.job.done.get() == 18);
		assertThat(this.job.overlaps).as("two jobs of one customer at once").hasValue(0);
		assertThat(this.job.ran).hasSize(3)
			.allSatisfy((customer, order) -> assertThat(order).containsExactly(0, 1, 2, 3, 4, 5));
	}

	@Test
	void aListenerMethodsGroupComesFromItsPayloadToo() {
		for (int n = 0; n < 6; n++) {
			for (String customer : List.of("c1", "c2", "c3")) {
				this.queueTemplate.push("customer-listener", new CustomerOrder(customer, n));
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.listener.done.get() == 18);
		assertThat(this.listener.overlaps).as("two jobs of one customer at once").hasValue(0);
		assertThat(this.listener.ran).hasSize(3)
			.allSatisfy((customer, order) -> assertThat(order).containsExactly(0, 1, 2, 3, 4, 5));
	}

	@Test
	void aGroupGivenWithThePushWins() {
		assertThat(JobMetadata.of(CustomerJob.class)
			.options(new CustomerOrder("c1", 0), PushOptions.group("batch"))
			.group()).isEqualTo("batch");
		assertThat(JobMetadata.of(CustomerJob.class).options(new CustomerOrder("c1", 0), PushOptions.now()).group())
			.isEqualTo("c1");
	}

	@Test
	void aPayloadWithoutAGroupKeyIsRefusedNamingTheExpression() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.queueTemplate.push(CustomerJob.class, new CustomerOrder(null, 0)))
			.withMessageContaining("group expression '#payload.customer()' gave null");
	}

	record CustomerOrder(String customer, int n) {
	}

	@QueueJob(queue = "customers", group = "#payload.customer()")
	static class CustomerJob extends OneAtATime implements Job<CustomerOrder> {

	}

	static class CustomerListener extends OneAtATime {

		@QueueListener(queue = "customers", name = "customer-listener", group = "#payload.customer()")
		void on(CustomerOrder order, JobContext context) throws InterruptedException {
			handle(order, context);
		}

	}

	/** Records what ran, in which order, and whether two jobs of one customer ever overlapped. */
	abstract static class OneAtATime {

		final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

		final Map<String, List<Integer>> ran = new ConcurrentHashMap<>();

		final AtomicInteger overlaps = new AtomicInteger();

		final AtomicInteger done = new AtomicInteger();

		public void handle(CustomerOrder order, JobContext context) throws InterruptedException {
			if (this.running.computeIfAbsent(order.customer(), (c) -> new AtomicInteger()).incrementAndGet() > 1) {
				this.overlaps.incrementAndGet();
			}
			this.ran.computeIfAbsent(order.customer(), (c) -> new CopyOnWriteArrayList<>()).add(order.n());
			Thread.sleep(20);
			this.running.get(order.customer()).decrementAndGet();
			this.done.incrementAndGet();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ CustomerJob.class, CustomerListener.class })
	static class App {

	}

}
