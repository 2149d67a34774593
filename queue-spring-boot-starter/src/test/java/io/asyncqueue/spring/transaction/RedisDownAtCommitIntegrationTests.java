package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.event.PushFailedAfterCommitEvent;
import io.asyncqueue.spring.transaction.TransactionTestJobs.Ship;
import io.asyncqueue.spring.transaction.TransactionTestJobs.ShipJob;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops while a transaction that pushed is still open: the data commits either way; a push sent
 * after commit is lost loudly, one written to the outbox reaches Redis once it is back. On each database a
 * subclass names.
 */
@EmbeddedRedis(isolated = true)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = RedisDownAtCommitIntegrationTests.App.class,
		properties = { "async-queue.consumer.enabled=false", "async-queue.queues.tx-orders.channel=tx:down:orders",
				"async-queue.outbox.enabled=true", "async-queue.outbox.key-prefix=tx:down:outbox",
				"async-queue.outbox.relay-interval=200ms", "async-queue.outbox.lease-duration=2s",
				"spring.data.redis.timeout=2s" })
abstract class RedisDownAtCommitIntegrationTests extends TransactionTestSupport {

	private static final String ORDERS = "tx:down:orders";

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Autowired
	private QueueOutbox outbox;

	@Autowired
	private FailedPushes failedPushes;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void pushSentAfterCommitIsLostLoudlyAndOutboxPushSurvives(RedisServer server, CapturedOutput output) {
		emptyOrdersAndQueues(ORDERS);
		CompletableFuture<PushResult> async = new CompletableFuture<>();
		PushResult[] results = new PushResult[2];
		try {
			this.transaction.executeWithoutResult((status) -> {
				this.jdbc.update("INSERT INTO orders (id) VALUES (1)");
				results[0] = this.queueTemplate.push(ShipJob.class, new Ship(1));
				this.queueTemplate.pushAsync(ShipJob.class, new Ship(1)).whenComplete((result, failure) -> {
					if (failure != null) {
						async.completeExceptionally(failure);
					}
					else {
						async.complete(result);
					}
				});
				results[1] = this.outbox.push(ShipJob.class, new Ship(1));
				server.stop();
			});
			assertThat(orders()).as("data committed")
				.isOne();
			assertThat(this.failedPushes.events).singleElement().satisfies((event) -> {
				assertThat(event.getQueue()).isEqualTo("tx-orders");
				assertThat(event.getJobIds()).hasSize(2).first().isEqualTo(results[0].id());
				assertThat(event.getJobNames()).containsOnly("ShipJob");
			});
			assertThat(this.meterRegistry.get(PushFailedAfterCommitCounter.NAME).tag("queue", "tx-orders").counter()
				.count()).isEqualTo(2);
			assertThat(output).contains("The transaction committed but 2 job(s) it pushed to queue 'tx-orders' were NOT pushed")
				.contains(results[0].id())
				.contains(Ship.class.getName());
			assertThat(async).failsWithin(Duration.ZERO).withThrowableThat().withMessageContaining("committed");
			assertThat(outboxRows())
				.as("the outbox row waits for Redis")
				.isOne();
		}
		finally {
			server.startAgain();
		}
		// The test's own connection reconnects in the background and rejects commands until it has ("Currently
		// not connected"), so a look before then is a failed look, not an answer.
		await().atMost(WAIT)
			.ignoreExceptionsMatching((ex) -> String.valueOf(ex.getMessage()).contains("not connected"))
			.until(() -> waiting(ORDERS).contains(results[1].id()));
		await().atMost(WAIT)
			.until(() -> outboxRows() == 0L);
		assertThat(waiting(ORDERS)).containsExactly(results[1].id());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		FailedPushes failedPushes() {
			return new FailedPushes();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	static class FailedPushes {

		final List<PushFailedAfterCommitEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PushFailedAfterCommitEvent event) {
			this.events.add(event);
		}

	}

}
