package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.test.RedisSentinelSetup;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A planned Sentinel failover under load: the connector must leave the old master when the Sentinels
 * announce the new one, not seconds later when the old master is demoted (and wipes what it took).
 */
class SentinelFailoverTest {

	private static final Logger logger = LoggerFactory.getLogger(SentinelFailoverTest.class);

	private static final Duration FOLLOW_WITHIN = Duration.ofSeconds(2);

	private static final String CLIENT_NAME = "queue-under-test";

	private RedisSentinelSetup sentinel;

	private RedisConnector redis;

	private QueueWorker worker;

	@BeforeEach
	void start() {
		this.sentinel = RedisSentinelSetup.builder().build();
		// the client name tells our connections apart from the Sentinels' and the replicas' on the old master
		this.redis = RedisConnector.create(this.sentinel.uri().replace("#", "?clientName=" + CLIENT_NAME + "#"));
	}

	@AfterEach
	void stop() {
		if (this.worker != null) {
			this.worker.stop(Duration.ofSeconds(2));
		}
		this.redis.close();
		this.sentinel.close();
	}

	@Test
	void pushesAndConsumersMoveToTheNewMasterWhenTheSentinelsAnnounceIt() throws Exception {
		QueueSettings settings = QueueSettings.builder("failover")
			.concurrency(4)
			.leaseDuration(Duration.ofSeconds(3))
			.retryBackoff(RetryBackoff.fixed(Duration.ZERO))
			.build();
		JobSerializer serializer = new JobSerializer();
		QueueClient client = new QueueClient(this.redis, serializer, Queues.of(settings));
		Set<String> handled = ConcurrentHashMap.newKeySet();
		AtomicLong handledAfterSwitch = new AtomicLong();
		AtomicLong switchedAt = new AtomicLong(Long.MAX_VALUE);
		this.worker = QueueWorker.builder(settings, this.redis).serializer(serializer).job("work", Integer.class,
				(n, context) -> {
					handled.add(context.id());
					if (System.nanoTime() > switchedAt.get()) {
						handledAfterSwitch.incrementAndGet();
					}
				}).build();
		this.worker.start();

		Map<String, Long> confirmed = new ConcurrentHashMap<>(); // id -> when the push was confirmed
		AtomicInteger failedPushes = new AtomicInteger();
		AtomicBoolean pushing = new AtomicBoolean(true);
		Thread pusher = new Thread(() -> {
			int n = 0;
			while (pushing.get()) {
				try {
					String id = client.push("failover", "work", n++).id();
					confirmed.put(id, System.nanoTime());
				}
				catch (RuntimeException ex) {
					failedPushes.incrementAndGet();
				}
			}
		}, "pusher");
		pusher.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() >= 200);

		RedisServer old = this.sentinel.master();
		assertThat(connectionsOf(old)).as("the connector's connections on the master").isPositive();
		RedisServer promoted = this.sentinel.failover();
		long switched = System.nanoTime();
		switchedAt.set(switched);
		// The old master stays a master, accepting writes, for seconds after the switch (until the Sentinels
		// demote it, when its resync wipes them): the connector must have left it by then.
		await().atMost(FOLLOW_WITHIN).until(() -> connectionsOf(old) == 0);
		long leftAfterMillis = (System.nanoTime() - switched) / 1_000_000;
		assertThat(roleOf(old)).as("the old master is not demoted yet, so this test proves something").isEqualTo("master");
		Thread.sleep(FOLLOW_WITHIN.toMillis() + 2000);
		pushing.set(false);
		pusher.join();

		long followedBy = switched + FOLLOW_WITHIN.toNanos();
		Set<String> confirmedAfterFollow = ConcurrentHashMap.newKeySet();
		confirmed.forEach((id, at) -> {
			if (at > followedBy) {
				confirmedAfterFollow.add(id);
			}
		});
		assertThat(confirmedAfterFollow).as("pushes confirmed %s after the switch", FOLLOW_WITHIN).isNotEmpty();
		// Jobs written to the old master after the switch are wiped when it resyncs as a replica: every push
		// confirmed once the connector should have followed must be on the new master, and so be consumed.
		await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsAll(confirmedAfterFollow));
		assertThat(handledAfterSwitch.get()).as("consumption resumed on the new master").isPositive();
		assertThat(promoted).isNotSameAs(old);

		await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ofSeconds(3)).until(() -> true);
		long lost = confirmed.keySet().stream().filter((id) -> !handled.contains(id)).count();
		logger.info("Planned Sentinel failover without durable pushes: connector left the old master {} ms after the "
				+ "Sentinels agreed; {} pushes confirmed, {} lost, {} failed", leftAfterMillis, confirmed.size(), lost,
				failedPushes.get());
	}

	private static long connectionsOf(RedisServer server) {
		io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.uri());
		try (var connection = client.connect()) {
			return connection.sync().clientList().lines().filter((line) -> line.contains(" name=" + CLIENT_NAME + " ")).count();
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	private static String roleOf(RedisServer server) {
		io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.uri());
		try (var connection = client.connect()) {
			return String.valueOf(connection.sync().role().get(0));
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
