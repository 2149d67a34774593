package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.RedisSentinelSetup;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A queue with {@code replicas} confirms a push only once that many replicas have it. */
class DurablePushTest {

	private static RedisSentinelSetup sentinel;

	private static RedisConnector redis;

	@BeforeAll
	static void start() {
		sentinel = RedisSentinelSetup.builder().build();
		redis = RedisConnector.create(sentinel.uri());
	}

	@AfterAll
	static void stop() {
		redis.close();
		sentinel.close();
	}

	@Test
	void aPushIsConfirmedOnceTheReplicaHasIt() {
		QueueClient client = client(QueueSettings.builder("durable").replicas(1).build());
		PushResult pushed = client.push("durable", "work", 1);
		assertThat(pushed.created()).isTrue();
		assertThat(client.pushAll("durable", List.of(PushRequest.of("work", 2), PushRequest.of("work", 3)))).hasSize(2);
		RedisServer replica = sentinel.servers().get(1);
		assertThat(keysOn(replica)).as("the replica has the job when the push returns").anyMatch((key) -> key.contains(pushed.id()));
	}

	@Test
	void aGuardedPushIsConfirmedOnlyOnceTheReplicaHasItAndARefusedOneWaitsForNothing() {
		QueueClient client = client(QueueSettings.builder("guarded").replicas(1).replicaTimeout(Duration.ofMillis(100)).build());
		String stock = client.guardKey("guarded", "stock");
		PushGuard takeOne = PushGuard.script(GuardedPushTest.TAKE_ONE).keys(stock);
		setOnPrimary(stock, "1");
		PushResult pushed = client.push("guarded", "work", 1, PushOptions.guardedBy(takeOne));
		assertThat(pushed.created()).isTrue();
		assertThat(keysOn(sentinel.servers().get(1))).as("the replica has the job when the push returns")
			.anyMatch((key) -> key.contains(pushed.id()));
		RedisServer replica = sentinel.servers().get(1);
		replica.stop();
		try {
			assertThat(client.push("guarded", "work", 2, PushOptions.guardedBy(takeOne)).created())
				.as("refused by its guard: nothing written, nothing to wait for").isFalse();
			setOnPrimary(stock, "5");
			assertThatExceptionOfType(PushNotReplicatedException.class)
				.isThrownBy(() -> client.push("guarded", "work", 3, PushOptions.guardedBy(takeOne)))
				.withMessageStartingWith("Push to queue 'guarded' written on the primary but acknowledged by 0 of 1");
		}
		finally {
			replica.startAgain();
		}
	}

	@Test
	void aPushThatNoReplicaAcknowledgesFailsWithTheReason() {
		QueueClient client = client(QueueSettings.builder("unreplicated").replicas(1).replicaTimeout(Duration.ofMillis(100)).build());
		client.push("unreplicated", "work", 0);
		RedisServer replica = sentinel.servers().get(1);
		replica.stop();
		try {
			assertThatExceptionOfType(PushNotReplicatedException.class).isThrownBy(() -> client.push("unreplicated", "work", 1))
				.withMessageStartingWith("Push to queue 'unreplicated' written on the primary but acknowledged by 0 of 1 "
						+ "replicas within 100ms; it may be lost on failover")
				.satisfies((ex) -> assertThat(ex.acknowledged()).isZero());
			assertThatExceptionOfType(PushNotReplicatedException.class)
				.isThrownBy(() -> client.pushAll("unreplicated", List.of(PushRequest.of("work", 2))));
			QueueClient notDurable = client(QueueSettings.builder("not-durable").build());
			assertThat(notDurable.push("not-durable", "work", 1).created()).as("replicas=0 confirms without a replica").isTrue();
		}
		finally {
			replica.startAgain();
		}
	}

	@Test
	void replicasMustNotBeNegative() {
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> QueueSettings.builder("q").replicas(-1).build())
			.withMessageContaining("replicas");
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> QueueSettings.builder("q").replicaTimeout(Duration.ZERO).build())
			.withMessageContaining("replica-timeout");
	}

	private static QueueClient client(QueueSettings settings) {
		return new QueueClient(redis, new JobSerializer(), Queues.of(settings));
	}

	private static void setOnPrimary(String key, String value) {
		RedisClient client = RedisClient.create(sentinel.servers().get(0).uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().set(key, value);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	private static List<String> keysOn(RedisServer server) {
		RedisClient client = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<String> keys = new java.util.ArrayList<>(connection.sync().keys("*"));
			for (String key : List.copyOf(keys)) {
				if ("hash".equals(connection.sync().type(key))) {
					keys.addAll(connection.sync().hkeys(key));
				}
			}
			return keys;
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

}
