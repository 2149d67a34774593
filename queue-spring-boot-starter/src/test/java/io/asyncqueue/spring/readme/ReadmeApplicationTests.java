package io.asyncqueue.spring.readme;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.asyncqueue.test.RedisServerExtension;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's application, with the README's YAML ({@code readme.yml}), against a real Redis.
 */
@EmbeddedRedis
@DirtiesContext
@SpringBootTest(classes = ReadmeApplication.class,
		properties = { "spring.config.name=readme", "async-queue.queues.orders.retry-backoff=100ms" })
class ReadmeApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Autowired
	private Checkout checkout;

	@Autowired
	private OrderRepository orders;

	@Autowired
	private QueueTemplate queue;

	@Autowired
	private Queues queues;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		RedisServer redis = RedisServerExtension.sharedServer();
		registry.add("spring.data.redis.url", redis::uri);
	}

	@Test
	void yamlDeclaresTheQueues() {
		assertThat(this.queues.all()).extracting(QueueSettings::name).containsExactlyInAnyOrder("default", "orders");
		QueueSettings orders = this.queues.get("orders");
		assertThat(orders.concurrency()).isEqualTo(1);
		assertThat(orders.maxAttempts()).isEqualTo(3);
		assertThat(orders.handleTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.queues.get("default").retryBackoff()).isEqualTo(QueueSettings.DEFAULT_RETRY_BACKOFF);
		assertThat(orders.retryBackoff()).isEqualTo(RetryBackoff.fixed(Duration.ofMillis(100)));
	}

	@Test
	void boughtItemBecomesAnOrder() {
		String id = this.checkout.buy("u1", 42);
		await().atMost(WAIT).until(() -> this.orders.byJobId().containsKey(id));
		assertThat(this.orders.byJobId().get(id)).isEqualTo(new CreateOrder("u1", 42));
	}

	@Test
	void otherWaysToPushWork() {
		CreateOrder order = new CreateOrder("u2", 1);
		PushResult delayed = this.queue.push(CreateOrderJob.class, order,
				PushOptions.delay(Duration.ofMillis(300)).uniqueId("u2-1"));
		PushResult duplicate = this.queue.push(CreateOrderJob.class, order,
				PushOptions.delay(Duration.ofMillis(300)).uniqueId("u2-1"));
		PushResult at = this.queue.push(CreateOrderJob.class, order, PushOptions.at(Instant.now().plusMillis(200)));
		List<PushResult> batch = this.queue.pushAll(CreateOrderJob.class, List.of(new CreateOrder("u2", 2), order));
		PushResult async = this.queue.pushAsync(CreateOrderJob.class, order).join();
		assertThat(duplicate.duplicate()).isTrue();
		await().atMost(WAIT)
			.until(() -> this.orders.byJobId().keySet()
				.containsAll(List.of(delayed.id(), at.id(), batch.get(0).id(), batch.get(1).id(), async.id())));
	}

	@Test
	void failedJobIsReported() {
		String id = this.checkout.buy("u3", -1);
		await().atMost(WAIT).until(() -> this.checkout.failed().stream().anyMatch((event) -> event.getJobId().equals(id)));
		assertThat(this.checkout.failed()).filteredOn((event) -> event.getJobId().equals(id))
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.getAttempt()).isEqualTo(3);
				assertThat(event.getFailure()).hasMessage("no such item -1");
			});
	}

}
