package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.transaction.TransactionTestJobs.Ship;
import io.asyncqueue.spring.transaction.TransactionTestJobs.ShipJob;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The outbox (table created by the starter) against a real Redis, on each database a subclass names.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = OutboxIntegrationTests.App.class,
		properties = { "async-queue.consumer.enabled=false",
				"async-queue.queues.tx-orders.channel=tx:outbox:orders", "async-queue.queues.tx-mail.channel=tx:outbox:mail",
				"async-queue.outbox.enabled=true", "async-queue.outbox.key-prefix=tx:outbox",
				"async-queue.outbox.relay-interval=200ms", "async-queue.outbox.lease-duration=2s" })
abstract class OutboxIntegrationTests extends TransactionTestSupport {

	private static final String ORDERS = "tx:outbox:orders";

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Autowired
	private QueueOutbox outbox;

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private AfterCommitOutboxPushes afterCommitPushes;

	@BeforeEach
	void emptyQueuesAndOrders() {
		emptyOrdersAndQueues(ORDERS);
	}

	@Test
	void jobIsWrittenInTheTransactionAndRelayedAfterCommit() {
		List<Object> seenInside = new ArrayList<>();
		PushResult result = this.transaction.execute((status) -> {
			this.jdbc.update("INSERT INTO orders (id) VALUES (1)");
			PushResult pushed = this.outbox.push(ShipJob.class, new Ship(1));
			seenInside.add(outboxRows());
			seenInside.add(waiting());
			return pushed;
		});
		assertThat(seenInside).containsExactly(1L, List.of());
		await().atMost(WAIT).until(() -> waiting().contains(result.id()));
		await().atMost(WAIT).until(() -> outboxRows() == 0L);
		assertThat(waiting()).containsExactly(result.id());
		String envelope = hget(QueueKeys.of(ORDERS).jobs(), result.id());
		assertThat(this.serializer.deserialize(envelope).payload().path("orderId").asLong()).isEqualTo(1);
	}

	@Test
	void rollbackLeavesNeitherRowNorJob() throws InterruptedException {
		this.transaction.executeWithoutResult((status) -> {
			this.outbox.push(ShipJob.class, new Ship(2));
			status.setRollbackOnly();
		});
		assertThat(outboxRows()).isZero();
		Thread.sleep(500);
		assertThat(waiting()).isEmpty();
	}

	@Test
	void jobsReachRedisInTheOrderTheyWereWrittenWithTheirOptions() {
		List<String> ids = new ArrayList<>();
		String[] delayed = new String[1];
		this.transaction.executeWithoutResult((status) -> {
			this.outbox.pushAll(ShipJob.class, List.of(new Ship(10), new Ship(11), new Ship(12)))
				.forEach((result) -> ids.add(result.id()));
			delayed[0] = this.outbox
				.push(ShipJob.class, new Ship(13), PushOptions.delay(Duration.ofMinutes(5)).header("tenant", "t1"))
				.id();
			ids.add(this.outbox.push(ShipJob.class, new Ship(14), PushOptions.unique("ship-14")).id());
		});
		await().atMost(WAIT).until(() -> outboxRows() == 0L);
		assertThat(waiting()).containsExactlyElementsOf(ids);
		assertThat(zscore(QueueKeys.of(ORDERS).delayed(), delayed[0]))
			.isGreaterThan(System.currentTimeMillis() + Duration.ofMinutes(4).toMillis());
		assertThat(this.serializer.deserialize(hget(QueueKeys.of(ORDERS).jobs(), delayed[0])).headers())
			.isEqualTo(Map.of("tenant", "t1"));
		assertThat(hget(QueueKeys.of(ORDERS).unique(), "ship-14")).isEqualTo(ids.get(3));
	}

	@Test
	void aGroupedPushIsRefusedRatherThanRelayedWithoutItsGroup() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.transaction.executeWithoutResult(
					(status) -> this.outbox.push(ShipJob.class, new Ship(7), PushOptions.group("ship-7"))))
			.withMessageContaining("is pushed in group 'ship-7', which the outbox does not carry");
		assertThat(outboxRows()).isZero();
	}

	@Test
	void aPushWithAPriorityIsRefusedRatherThanRelayedWithoutIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.transaction.executeWithoutResult(
					(status) -> this.outbox.push(ShipJob.class, new Ship(8), PushOptions.priority(9))))
			.withMessageContaining("is pushed at priority 9, which the outbox does not carry");
		assertThat(outboxRows()).isZero();
	}

	@Test
	void pushOutsideATransactionFailsAndSaysWhy() {
		assertThatIllegalStateException().isThrownBy(() -> this.outbox.push(ShipJob.class, new Ship(3)))
			.withMessageContaining("QueueOutbox needs a transaction on the outbox's DataSource")
			.withMessageContaining("@Transactional");
		assertThat(outboxRows()).isZero();
	}

	private List<String> waiting() {
		return waiting(ORDERS);
	}

	private String hget(String key, String field) {
		return reply(this.redis.commands().hget(key, field));
	}

	private double zscore(String key, String member) {
		return reply(this.redis.commands().zscore(key, member));
	}

	@Test
	void pushFromAnAfterCommitListenerIsRefusedRatherThanWrittenOutsideTheTransaction() {
		this.transaction.executeWithoutResult((status) -> this.events.publishEvent(new OrderPlaced(4)));
		assertThat(this.afterCommitPushes.failures).singleElement()
			.isInstanceOf(IllegalStateException.class)
			.satisfies((failure) -> assertThat(failure.getMessage()).contains("QueueOutbox needs a transaction"));
		assertThat(outboxRows()).isZero();
	}

	@Test
	void pushFromAnotherSynchronizationsAfterCommitIsRefused() {
		List<Exception> failures = new CopyOnWriteArrayList<>();
		this.transaction.executeWithoutResult((status) -> {
			this.outbox.push(ShipJob.class, new Ship(5));
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					try {
						OutboxIntegrationTests.this.outbox.push(ShipJob.class, new Ship(6));
					}
					catch (RuntimeException ex) {
						failures.add(ex);
					}
				}
			});
		});
		assertThat(failures).singleElement()
			.satisfies((failure) -> assertThat(failure.getMessage()).contains("comes after the commit"));
		await().atMost(WAIT).until(() -> outboxRows() == 0L && waiting().size() == 1);
	}

	record OrderPlaced(long orderId) {
	}

	/** Writes to the outbox once the transaction that placed the order has committed: too late. */
	static class AfterCommitOutboxPushes {

		private final QueueOutbox outbox;

		final List<Exception> failures = new CopyOnWriteArrayList<>();

		AfterCommitOutboxPushes(QueueOutbox outbox) {
			this.outbox = outbox;
		}

		@TransactionalEventListener
		void on(OrderPlaced event) {
			try {
				this.outbox.push(ShipJob.class, new Ship(event.orderId()));
			}
			catch (RuntimeException ex) {
				this.failures.add(ex);
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		AfterCommitOutboxPushes afterCommitOutboxPushes(QueueOutbox outbox) {
			return new AfterCommitOutboxPushes(outbox);
		}

	}

}
