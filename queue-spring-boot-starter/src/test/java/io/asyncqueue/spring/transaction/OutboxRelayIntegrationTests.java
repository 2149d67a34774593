package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.asyncqueue.core.JobContext;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.Job;
import io.asyncqueue.spring.QueueJob;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.transaction.TransactionTestJobs.MailJob;
import io.asyncqueue.spring.transaction.TransactionTestJobs.Ship;
import io.asyncqueue.spring.transaction.TransactionTestJobs.ShipJob;
import io.asyncqueue.test.EmbeddedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Relays built by hand over one database (which a subclass names) and one real Redis, with a consumer that
 * counts every execution, so that a job pushed twice would show even after the first copy was done and
 * forgotten.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = OutboxRelayIntegrationTests.App.class,
		properties = { "async-queue.queues.tx-orders.channel=tx:relay:orders", "async-queue.queues.tx-mail.channel=tx:relay:mail",
				"async-queue.defaults.blocking-timeout=1s" })
abstract class OutboxRelayIntegrationTests extends TransactionTestSupport {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	private DataSource dataSource;

	@Autowired
	private QueueClient client;

	@Autowired
	private CountingShipJob handled;

	private QueueOutbox outbox;

	private final List<OutboxRelay> relays = new ArrayList<>();

	@BeforeEach
	void outboxWithoutRelay() {
		new ResourceDatabasePopulator(new ClassPathResource("io/asyncqueue/spring/transaction/schema.sql"))
			.execute(this.dataSource);
		this.jdbc.execute("DELETE FROM async_queue_outbox");
		emptyOrdersAndQueues("tx:relay:mail");
		this.outbox = new QueueOutbox(this.queueTemplate, this.serializer, this.dataSource, () -> {
		});
	}

	@AfterEach
	void stopRelays() {
		this.relays.forEach(OutboxRelay::stop);
		allowDeletes();
	}

	/** Make every delete from the outbox table fail: the database failing between a push and the rows' delete. */
	abstract void refuseDeletes();

	/** Undo {@link #refuseDeletes()}, if it was done. */
	abstract void allowDeletes();

	@Test
	void twoRelaysCompetingPushEachRowOnce() {
		OutboxRelay first = relay();
		OutboxRelay second = relay();
		first.start();
		second.start();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			int batch = i;
			this.transaction.executeWithoutResult((status) -> {
				for (int j = 0; j < 10; j++) {
					ids.add(this.outbox.push(ShipJob.class, new Ship(batch * 10 + j)).id());
				}
			});
		}
		await().atMost(WAIT).until(() -> this.handled.executions.keySet().containsAll(ids) && outboxRows() == 0);
		// a relay counts a batch once its rows are deleted: the rows can be gone a moment before the count says so
		await().atMost(WAIT).until(() -> first.getRelayedCount() + second.getRelayedCount() >= 300);
		assertThat(first.getRelayedCount() + second.getRelayedCount()).as("rows relayed by both relays")
			.isEqualTo(300);
		settle();
		assertThat(ids).allSatisfy((id) -> assertThat(this.handled.executions.get(id)).as(id).hasValue(1));
	}

	@Test
	void rowsLeftBehindByARelayThatCouldNotDeleteThemAreNotPushedAgain() {
		String id = this.transaction.execute((status) -> this.outbox.push(ShipJob.class, new Ship(1)).id());
		refuseDeletes();
		OutboxRelay failed = relay();
		assertThatExceptionOfType(DataAccessException.class).as("the database fails after the push")
			.isThrownBy(failed::relay);
		await().atMost(WAIT).until(() -> this.handled.executions.containsKey(id));
		assertThat(outboxRows()).as("the row is still there").isOne();
		allowDeletes();
		failed.stop();
		assertThat(relay().relay()).isOne();
		assertThat(outboxRows()).isZero();
		settle();
		assertThat(this.handled.executions.get(id)).as("executions, the first done and forgotten before the retry")
			.hasValue(1);
	}

	@Test
	void rowPushedByARelayThatDiedBeforeMarkingItLandsOnceWhileItsJobIsQueued() {
		String id = this.transaction.execute((status) -> this.outbox.push(MailJob.class, "hello").id());
		// what a relay that died right after the push left: the job in Redis, the row in the table, no mark
		this.client.push("tx-mail", "MailJob", "hello", PushOptions.now().jobId(id));
		assertThat(relay().relay()).isOne();
		assertThat(outboxRows()).isZero();
		assertThat(waiting("tx:relay:mail")).containsExactly(id);
	}

	@Test
	void relayThatDoesNotHoldTheLeaseLeavesTheRows() {
		OutboxRelay holder = relay();
		assertThat(holder.relay()).isZero();
		this.transaction.executeWithoutResult((status) -> this.outbox.push(MailJob.class, "later"));
		assertThat(relay().relay()).as("another instance holds the lease").isZero();
		assertThat(outboxRows()).isOne();
		assertThat(holder.relay()).isOne();
	}

	private OutboxRelay relay() {
		OutboxRelay relay = new OutboxRelay(this.dataSource, this.client, this.serializer, this.redis, "tx:relay",
				Duration.ofMillis(20), 10, Duration.ofSeconds(5));
		this.relays.add(relay);
		return relay;
	}

	/** Time for a second copy, if any, to be pushed and handled. */
	private static void settle() {
		try {
			Thread.sleep(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Handles the outbox's ShipJob rows and counts executions by job id. */
	@QueueJob(queue = "tx-orders", name = "ShipJob")
	static class CountingShipJob implements Job<Ship> {

		final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

		@Override
		public void handle(Ship payload, JobContext context) {
			this.executions.computeIfAbsent(context.id(), (id) -> new AtomicInteger()).incrementAndGet();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		CountingShipJob countingShipJob() {
			return new CountingShipJob();
		}

	}

}
