package io.asyncqueue.core.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A job whose lease may be gone by the time a handler is free for it never starts. */
@EmbeddedRedis
class LeaseKeeperTest {

	private static RedisConnector redis;

	private static ScheduledExecutorService timer;

	@BeforeAll
	static void connect(RedisServer server) {
		redis = RedisConnector.create(server.uri());
		timer = Executors.newSingleThreadScheduledExecutor();
	}

	@AfterAll
	static void disconnect() {
		timer.shutdownNow();
		redis.close();
	}

	@Test
	void aJobWhoseFetchReplyCameAfterHalfItsLeaseGoesBackUnstarted() {
		QueueSettings settings = QueueSettings.builder("late-" + System.nanoTime())
			.leaseDuration(Duration.ofSeconds(2))
			.build();
		QueueScripts scripts = new QueueScripts(redis, settings, Runnable::run);
		new QueueClient(redis, new JobSerializer(), Queues.of(settings)).push(settings.name(), "n", 1);
		List<FetchedJob> fetched = RedisFailures.join(scripts.fetch(1, "{}")).jobs();
		// the reply reached this process a whole lease after the fetch was sent (a stalled Redis or a GC pause)
		ReservedJob late = ReservedJob.of(fetched.get(0), System.nanoTime() - TimeUnit.SECONDS.toNanos(2), false);
		PrefetchWindow window = new PrefetchWindow(settings);
		Semaphore slots = window.slots();
		assertThat(slots.tryAcquire()).as("the job's slot").isTrue();
		int free = slots.availablePermits();
		LeaseKeeper keeper = new LeaseKeeper(settings, scripts, new Settler(settings, scripts, timer, 16), window);
		keeper.reserved(late);
		assertThat(keeper.claim(late)).isFalse();
		assertThat(slots.availablePermits()).isEqualTo(free + 1);
		QueueKeys queueKeys = QueueKeys.of(settings.channel());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> redis.commands().llen(queueKeys.waiting()).get() == 1
					&& redis.commands().zcard(queueKeys.reserved()).get() == 0);
	}

	@Test
	void aFreshJobMayStart() {
		QueueSettings settings = QueueSettings.builder("fresh-" + System.nanoTime()).build();
		QueueScripts scripts = new QueueScripts(redis, settings, Runnable::run);
		PrefetchWindow window = new PrefetchWindow(settings);
		Semaphore slots = window.slots();
		assertThat(slots.tryAcquire()).as("the job's slot").isTrue();
		int free = slots.availablePermits();
		LeaseKeeper keeper = new LeaseKeeper(settings, scripts, new Settler(settings, scripts, timer, 16), window);
		ReservedJob fresh = new ReservedJob("id", 1, "1", "{}", System.nanoTime());
		keeper.reserved(fresh);
		assertThat(keeper.claim(fresh)).isTrue();
		assertThat(keeper.claim(fresh)).as("a job is claimed once").isFalse();
		assertThat(slots.availablePermits()).isEqualTo(free);
	}

}
