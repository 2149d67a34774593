package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Redis goes away in the middle of consumption: nothing may be lost, and consumers must resume. */
class RedisRestartTest {

	private RedisServer server;

	private RedisConnector redis;

	private QueueWorker worker;

	@BeforeEach
	void startRedis() {
		this.server = RedisServer.builder().appendOnly(true).build();
		this.redis = RedisConnector.create(this.server.uri());
	}

	@AfterEach
	void stopEverything() {
		if (this.worker != null) {
			this.worker.stop(Duration.ofSeconds(2));
		}
		this.redis.close();
		this.server.close();
	}

	@Test
	void aGuardedPushWhileRedisIsDownFailsWholeAndTakesNothing() {
		QueueSettings settings = QueueSettings.builder("guarded-outage").build();
		QueueClient client = new QueueClient(this.redis, new JobSerializer(), Queues.of(settings));
		String stock = client.guardKey("guarded-outage", "stock");
		PushGuard takeOne = PushGuard.script(GuardedPushTest.TAKE_ONE).keys(stock);
		client.push("guarded-outage", "fill", 0,
				PushOptions.guardedBy(PushGuard.script("redis.call('SET', KEYS[1], '3') return true").keys(stock)));
		this.server.stop();
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> client.push("guarded-outage", "order", 1, PushOptions.guardedBy(takeOne)))
			.withMessageStartingWith("Could not push 1 job(s) to queue 'guarded-outage'");
		this.server.startAgain();
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
			.until(() -> client.push("guarded-outage", "order", 2, PushOptions.guardedBy(takeOne)).guardReply()
				.equals(2L));
	}

	@Test
	void pushesDuringAnOutageAllFailAtOnceAndPushingWorksAgainAfterIt() throws Exception {
		QueueSettings settings = QueueSettings.builder("outage").build();
		QueueClient client = new QueueClient(this.redis, new JobSerializer(), Queues.of(settings));
		client.push("outage", "work", 0);
		this.server.stop();
		// many at once: while disconnected each call fails as soon as it is made, and the ones queued behind it
		// must fail too, each on its own, without one caller's thread running everyone else's
		Queue<CompletableFuture<PushResult>> pushes = new ConcurrentLinkedQueue<>();
		ExecutorService producers = Executors.newFixedThreadPool(8);
		try {
			for (int thread = 0; thread < 8; thread++) {
				producers.execute(() -> {
					for (int i = 1; i <= 2_500; i++) {
						pushes.add(client.pushAsync("outage", "work", i, PushOptions.now()));
					}
				});
			}
			producers.shutdown();
			assertThat(producers.awaitTermination(30, TimeUnit.SECONDS)).as("pushAsync never blocks its caller").isTrue();
		}
		finally {
			producers.shutdownNow();
		}
		assertThat(pushes).hasSize(20_000);
		for (CompletableFuture<PushResult> push : pushes) {
			assertThat(push).failsWithin(Duration.ofSeconds(15));
			assertThatExceptionOfType(QueueException.class).isThrownBy(() -> QueueClient.join(push));
		}
		this.server.startAgain();
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
			.until(() -> client.push("outage", "work", -1).created());
		assertThat(client.pushAll("outage", List.of(PushRequest.of("work", -2)))).hasSize(1);
	}

	@Test
	void noJobIsLostWhenRedisRestartsMidConsumption() throws Exception {
		QueueSettings settings = QueueSettings.builder("restart")
			.concurrency(8)
			.retryBackoff(RetryBackoff.fixed(Duration.ZERO))
			.leaseDuration(Duration.ofSeconds(3))
			.build();
		JobSerializer serializer = new JobSerializer();
		QueueClient client = new QueueClient(this.redis, serializer, Queues.of(settings));
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			requests.add(PushRequest.of("work", i));
		}
		Set<String> pushed = new HashSet<>();
		client.pushAll("restart", requests).forEach((result) -> pushed.add(result.id()));
		Set<String> handled = ConcurrentHashMap.newKeySet();
		AtomicInteger executions = new AtomicInteger();
		this.worker = QueueWorker.builder(settings, this.redis).serializer(serializer).job("work", Integer.class,
				(n, context) -> {
					Thread.sleep(1);
					executions.incrementAndGet();
					handled.add(context.id());
				}).build();
		this.worker.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= 500);
		this.server.stop();
		assertThatExceptionOfType(QueueException.class).as("a push during the outage fails loudly")
			.isThrownBy(() -> client.push("restart", "work", -1));
		Thread.sleep(1500);
		this.server.startAgain();
		await().atMost(Duration.ofSeconds(60)).until(() -> handled.containsAll(pushed));
		QueueOperations operations = new QueueOperations(this.redis, serializer, Queues.of(settings));
		await().atMost(Duration.ofSeconds(30)).until(() -> operations.counts("restart").reserved() == 0);
		QueueCounts counts = operations.counts("restart");
		assertThat(counts.failed()).isZero();
		assertThat(counts.waiting()).isZero();
		assertThat(handled).containsExactlyInAnyOrderElementsOf(pushed);
		// at-least-once: only jobs in flight at the outage may have run twice: those this process held reserved
		// (running or fetched ahead: concurrency + prefetch) and those whose ack had not reached Redis
		int heldAtOnce = settings.concurrency() + settings.prefetch();
		assertThat(executions.get() - pushed.size()).isLessThanOrEqualTo(heldAtOnce * 2);
	}

}
