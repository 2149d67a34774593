package io.asyncqueue.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/** A stop fits in the grace period it is given, even when Redis stops answering during it. */
class StopDeadlineTest {

	private RedisServer server;

	private RedisConnector redis;

	@BeforeEach
	void startRedis() {
		this.server = RedisServer.builder().build();
		this.redis = RedisConnector.create(this.server.uri());
	}

	@AfterEach
	void stopEverything() {
		this.redis.close();
		this.server.close();
	}

	@Test
	void aStopReturnsWithinItsGracePeriodWhileRedisHangs() throws Exception {
		QueueSettings settings = QueueSettings.builder("deadline").consumers(4).concurrency(2).build();
		CountDownLatch started = new CountDownLatch(1);
		QueueWorker worker = QueueWorker.builder(settings, this.redis).job("n", Integer.class, (n, context) -> {
			started.countDown();
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
			// ignores interrupts: the stop has to give up on it and put it back
			while (System.nanoTime() < until) {
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					// ignored on purpose
				}
			}
		}).build();
		worker.start();
		new QueueClient(this.redis, new JobSerializer(), Queues.of(settings)).push("deadline", "n", 1);
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		RedisClient client = RedisClient.create(this.server.uri());
		try (StatefulRedisConnection<String, String> admin = client.connect()) {
			// Redis holds every client's commands for 8 s, with their connections open
			admin.sync().clientPause(8_000);
			long before = System.nanoTime();
			worker.stop(Duration.ofSeconds(2));
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
			assertThat(tookMillis).as("stop(2s) took %d ms", tookMillis).isLessThan(3_000);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
