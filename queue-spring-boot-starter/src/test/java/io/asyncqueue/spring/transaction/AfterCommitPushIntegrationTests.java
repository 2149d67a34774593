package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.PushGuard;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.transaction.TransactionTestJobs.MailJob;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Pushes made through the QueueTemplate inside a Spring transaction, against H2 and a real Redis, in
 * the default mode: after commit.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = AfterCommitPushIntegrationTests.App.class,
		properties = { "spring.datasource.url=jdbc:h2:mem:after-commit;DB_CLOSE_DELAY=-1",
				"async-queue.consumer.enabled=false", "async-queue.queues.tx-orders.channel=tx:after-commit:orders",
				"async-queue.queues.tx-mail.channel=tx:after-commit:mail" })
class AfterCommitPushIntegrationTests extends TransactionTestSupport {

	private static final String ORDERS = "tx:after-commit:orders";

	private static final String MAIL = "tx:after-commit:mail";

	@Autowired
	private ApplicationEventPublisher events;

	@Autowired
	private AfterCommitPushes afterCommitPushes;

	@BeforeEach
	void emptyQueuesAndOrders() {
		emptyOrdersAndQueues(ORDERS, MAIL);
		this.afterCommitPushes.ids.clear();
	}

	@Test
	void jobReachesRedisOnlyOnceTheTransactionCommits() {
		List<String> seenInside = new ArrayList<>();
		PushResult result = this.transaction.execute((status) -> {
			this.jdbc.update("INSERT INTO orders (id) VALUES (1)");
			PushResult pushed = this.queueTemplate.push(ShipJob.class, new Ship(1));
			seenInside.addAll(waiting(ORDERS));
			return pushed;
		});
		assertThat(seenInside).isEmpty();
		assertThat(result.id()).isNotBlank();
		assertThat(result.created()).isTrue();
		assertThat(waiting(ORDERS)).containsExactly(result.id());
	}

	@Test
	void rollbackDiscardsThePushes() {
		CompletableFuture<PushResult> async = this.transaction.execute((status) -> {
			this.jdbc.update("INSERT INTO orders (id) VALUES (2)");
			this.queueTemplate.push(ShipJob.class, new Ship(2));
			CompletableFuture<PushResult> future = this.queueTemplate.pushAsync(ShipJob.class, new Ship(2));
			status.setRollbackOnly();
			return future;
		});
		assertThat(waiting(ORDERS)).isEmpty();
		assertThat(orders()).isZero();
		assertThat(async).failsWithin(Duration.ZERO).withThrowableThat().withMessageContaining("discarded");
	}

	@Test
	void exceptionInTheTransactionDiscardsThePushes() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.transaction.execute((status) -> {
			this.queueTemplate.push(ShipJob.class, new Ship(3));
			throw new IllegalStateException("boom");
		}));
		assertThat(waiting(ORDERS)).isEmpty();
	}

	@Test
	void aGuardedPushInsideATransactionIsRefusedWithTheWayOut() {
		PushGuard always = PushGuard.script("return true");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.transaction.execute((status) -> this.queueTemplate.push(ShipJob.class, new Ship(4),
					PushOptions.guardedBy(always))))
			.withMessageContaining("guarded push to queue 'tx-orders' was made inside a transaction")
			.withMessageContaining("async-queue.transaction-mode=immediate");
		assertThat(waiting(ORDERS)).isEmpty();
	}

	@Test
	void pushesOfOneTransactionReachRedisInTheOrderTheyWereMade() {
		List<String> ids = new ArrayList<>();
		List<CompletableFuture<PushResult>> futures = new ArrayList<>();
		this.transaction.executeWithoutResult((status) -> {
			ids.add(this.queueTemplate.push(ShipJob.class, new Ship(10)).id());
			this.queueTemplate.push(MailJob.class, "hello");
			this.queueTemplate.pushAll(ShipJob.class, List.of(new Ship(11), new Ship(12)))
				.forEach((result) -> ids.add(result.id()));
			CompletableFuture<PushResult> future = this.queueTemplate.pushAsync(ShipJob.class, new Ship(13));
			futures.add(future);
			assertThat(future).as("completes only after commit").isNotDone();
			ids.add(this.queueTemplate.onQueue("tx-orders").push(ShipJob.class, new Ship(14)).id());
		});
		assertThat(futures.get(0)).succeedsWithin(Duration.ofSeconds(10))
			.satisfies((result) -> assertThat(result.created()).isTrue());
		ids.add(3, futures.get(0).join().id());
		assertThat(waiting(ORDERS)).containsExactlyElementsOf(ids);
		assertThat(waiting(MAIL)).hasSize(1);
	}

	@Test
	void uniqueIdDuplicateIsReportedByTheFutureAfterCommit() {
		PushResult first = this.queueTemplate.push(ShipJob.class, new Ship(20),
				io.asyncqueue.core.PushOptions.unique("ship-20"));
		CompletableFuture<PushResult> second = this.transaction.execute((status) -> this.queueTemplate
			.pushAsync(ShipJob.class, new Ship(20), io.asyncqueue.core.PushOptions.unique("ship-20")));
		assertThat(second).succeedsWithin(Duration.ofSeconds(10)).satisfies((result) -> {
			assertThat(result.duplicate()).isTrue();
			assertThat(result.id()).isEqualTo(first.id());
		});
		assertThat(waiting(ORDERS)).containsExactly(first.id());
	}

	@Test
	void pushOutsideATransactionGoesAtOnce() {
		PushResult result = this.queueTemplate.push(ShipJob.class, new Ship(30));
		assertThat(waiting(ORDERS)).containsExactly(result.id());
	}

	@Test
	void innerRequiresNewTransactionSendsItsOwnPushesWhenItCommits() {
		TransactionTemplate requiresNew = new TransactionTemplate(this.transaction.getTransactionManager());
		requiresNew.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);
		List<String> seenAfterInner = new ArrayList<>();
		this.transaction.executeWithoutResult((outer) -> {
			this.queueTemplate.push(ShipJob.class, new Ship(40));
			String inner = requiresNew.execute((status) -> this.queueTemplate.push(ShipJob.class, new Ship(41)).id());
			seenAfterInner.addAll(waiting(ORDERS));
			seenAfterInner.add("inner=" + inner);
		});
		assertThat(seenAfterInner).hasSize(2);
		assertThat(seenAfterInner.get(1)).isEqualTo("inner=" + seenAfterInner.get(0));
		assertThat(waiting(ORDERS)).hasSize(2);
	}

	@Test
	void badPushFailsTheCallNotTheCommit() {
		assertThatExceptionOfType(io.asyncqueue.core.PayloadTooLargeException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult(
					(status) -> this.queueTemplate.push(MailJob.class, "x".repeat(2 * 1024 * 1024))));
	}

	@Test
	void pushFromAnAfterCommitListenerReachesRedis() {
		this.transaction.executeWithoutResult((status) -> {
			this.jdbc.update("INSERT INTO orders (id) VALUES (50)");
			this.events.publishEvent(new OrderPlaced(50));
		});
		assertThat(this.afterCommitPushes.ids).hasSize(1);
		assertThat(waiting(ORDERS)).containsExactlyElementsOf(this.afterCommitPushes.ids);
	}

	@Test
	void pushFromAnAfterCommitListenerOfATransactionThatPushedReachesRedis() {
		String id = this.transaction.execute((status) -> {
			String pushed = this.queueTemplate.push(ShipJob.class, new Ship(51)).id();
			this.events.publishEvent(new OrderPlaced(52));
			return pushed;
		});
		assertThat(this.afterCommitPushes.ids).hasSize(1);
		assertThat(waiting(ORDERS)).containsExactly(id, this.afterCommitPushes.ids.get(0));
	}

	@Test
	void pushFromAnotherSynchronizationsAfterCommitReachesRedis() {
		List<String> ids = new CopyOnWriteArrayList<>();
		String id = this.transaction.execute((status) -> {
			String pushed = this.queueTemplate.push(ShipJob.class, new Ship(60)).id();
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					ids.add(AfterCommitPushIntegrationTests.this.queueTemplate.push(ShipJob.class, new Ship(61)).id());
				}
			});
			return pushed;
		});
		this.transaction.executeWithoutResult((status) -> TransactionSynchronizationManager
			.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					ids.add(AfterCommitPushIntegrationTests.this.queueTemplate.push(ShipJob.class, new Ship(62)).id());
				}
			}));
		assertThat(ids).hasSize(2);
		assertThat(waiting(ORDERS)).containsExactly(id, ids.get(0), ids.get(1));
	}

	record OrderPlaced(long orderId) {
	}

	/** Pushes once the transaction that placed the order has committed: Spring's usual way to do so. */
	static class AfterCommitPushes {

		private final QueueTemplate queueTemplate;

		final List<String> ids = new CopyOnWriteArrayList<>();

		AfterCommitPushes(QueueTemplate queueTemplate) {
			this.queueTemplate = queueTemplate;
		}

		@TransactionalEventListener
		void on(OrderPlaced event) {
			this.ids.add(this.queueTemplate.push(ShipJob.class, new Ship(event.orderId())).id());
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		AfterCommitPushes afterCommitPushes(QueueTemplate queueTemplate) {
			return new AfterCommitPushes(queueTemplate);
		}

	}

}
