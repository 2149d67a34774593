package io.asyncqueue.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Listeners and metrics hear only of outcomes Redis has: Redis goes away as jobs finish. */
class SettleOutcomeTest {

	private RedisServer server;

	private RedisConnector redis;

	private QueueWorker worker;

	@BeforeEach
	void startRedis() {
		this.server = RedisServer.builder().build();
		this.redis = RedisConnector.create(this.server.uri());
	}

	@AfterEach
	void stopEverything() {
		if (this.worker != null) {
			this.worker.stop(Duration.ofSeconds(1));
		}
		this.redis.close();
		this.server.close();
	}

	@Test
	void anAckThatCannotReachRedisWithinTheLeaseIsUnconfirmedNotSucceeded() throws Exception {
		RecordingObserver events = runWhileRedisGoesAway(false);
		assertThat(events.outcomes()).containsExactly(JobOutcome.UNCONFIRMED);
		assertThat(events.finished.get(0).reason()).contains("could not be confirmed");
	}

	@Test
	void aFailureThatCannotBeWrittenFiresNoRetryEvent() throws Exception {
		RecordingObserver events = runWhileRedisGoesAway(true);
		assertThat(events.outcomes()).containsExactly(JobOutcome.UNCONFIRMED);
		assertThat(events.retried).isEmpty();
		assertThat(events.failed).isEmpty();
	}

	private RecordingObserver runWhileRedisGoesAway(boolean fail) throws Exception {
		QueueSettings settings = QueueSettings.builder("outcomes").leaseDuration(Duration.ofMillis(900)).build();
		RecordingObserver events = new RecordingObserver();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		this.worker = QueueWorker.builder(settings, this.redis).observer(events).job("n", Integer.class,
				(n, context) -> {
					started.countDown();
					finish.await();
					if (fail) {
						throw new IllegalStateException("boom");
					}
				}).build();
		this.worker.start();
		new QueueClient(this.redis, new JobSerializer(), Queues.of(settings)).push("outcomes", "n", 1);
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		this.server.stop();
		finish.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> !events.finished.isEmpty());
		return events;
	}

}
