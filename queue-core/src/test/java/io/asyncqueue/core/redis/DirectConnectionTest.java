package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueClosedException;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RedisUnavailableException;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.test.RedisServer;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A synchronous push to an idle client goes through the direct connection, on the caller's thread, and gives the
 * same answers as a push through Lettuce: against a real redis-server, with a loopback forwarder in front of it
 * where a reply must be lost.
 */
class DirectConnectionTest {

	private final JobSerializer serializer = new JobSerializer();

	private final QueueSettings settings = QueueSettings.builder("direct").build();

	private RedisServer server;

	private RedisClient inspectionClient;

	private StatefulRedisConnection<String, String> inspection;

	@BeforeEach
	void start() {
		this.server = RedisServer.start();
		this.inspectionClient = RedisClient.create(this.server.uri());
		this.inspection = this.inspectionClient.connect();
	}

	@AfterEach
	void stop() {
		this.inspection.close();
		this.inspectionClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		this.server.close();
	}

	@Test
	void aLonePushGoesDirectOnceTheConnectionIsOpen() {
		try (RedisConnector connector = RedisConnector.create(this.server.uri())) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			long before = direct.calls();
			long waitingBefore = redis().llen(keys().waiting());
			for (int i = 0; i < 100; i++) {
				client.push("direct", "n", i);
			}
			client.pushAll("direct", List.of(new PushRequest("n", 100, null), new PushRequest("n", 101, null)));
			assertThat(direct.calls() - before).as("calls made directly").isEqualTo(101);
			assertThat(redis().llen(keys().waiting()) - waitingBefore).isEqualTo(102);
			// UTF-8 beyond ASCII (two, three and four bytes a character) arrives as written
			PushResult text = client.push("direct", "n", "zürich ☃ 𝄞");
			assertThat(direct.calls() - before).isEqualTo(102);
			assertThat(redis().hget(keys().jobs(), text.id())).contains("\"zürich ☃ 𝄞\"");
		}
	}

	@Test
	void anAsynchronousPushNeverGoesDirect() throws Exception {
		try (RedisConnector connector = RedisConnector.create(this.server.uri())) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			long before = direct.calls();
			client.pushAsync("direct", "n", 1, null).get(5, TimeUnit.SECONDS);
			assertThat(direct.calls()).isEqualTo(before);
		}
	}

	@Test
	void aRefusalComesBackAsItDoesThroughLettuce() {
		try (RedisConnector connector = RedisConnector.create(this.server.uri())) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			new QueueOperations(connector, this.serializer, Queues.of(this.settings)).closePushes("direct");
			long before = direct.calls();
			assertThatExceptionOfType(QueueClosedException.class).isThrownBy(() -> client.push("direct", "n", 1));
			assertThat(direct.calls() - before).as("refused on the direct connection").isEqualTo(1);
		}
	}

	@Test
	void aFlushedScriptIsLoadedAgainOnTheDirectConnection() {
		try (RedisConnector connector = RedisConnector.create(this.server.uri())) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			redis().scriptFlush();
			long before = direct.calls();
			PushResult pushed = client.push("direct", "n", 1);
			assertThat(pushed.created()).isTrue();
			assertThat(direct.calls() - before).as("EVALSHA refused with NOSCRIPT, then EVAL").isEqualTo(2);
			assertThat(redis().hexists(keys().jobs(), pushed.id())).isTrue();
		}
	}

	@Test
	void aPushWhoseReplyIsLostIsReplayedAndLandsOnce() throws Exception {
		try (LoopbackForwarder address = new LoopbackForwarder(this.server.port());
				RedisConnector connector = RedisConnector.create("redis://127.0.0.1:" + address.port())) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			long waitingBefore = redis().llen(keys().waiting());
			address.cutNextReplyTo(direct.localPort());
			long before = direct.calls();
			PushResult pushed = client.push("direct", "n", 1);
			assertThat(direct.calls() - before).as("written directly first").isEqualTo(1);
			assertThat(direct.isOpen()).as("the lost connection is dropped").isFalse();
			assertThat(pushed.created()).isTrue();
			assertThat(redis().llen(keys().waiting())).as("ran twice, landed once").isEqualTo(waitingBefore + 1);
			assertThat(redis().hexists(keys().jobs(), pushed.id())).isTrue();
			// and it opens again, after REOPEN_INTERVAL
			openDirect(connector, client);
		}
	}

	@Test
	void aStalledRedisTimesTheDirectCallOutAsLettuceDoes() throws Exception {
		RedisURI uri = RedisURI.create(this.server.uri());
		RedisClient own = RedisClient.create(uri);
		own.setOptions(RedisConnector.defaultClientOptions().mutate()
			.timeoutOptions(RedisConnector.timeoutOptions(Duration.ofMillis(300)))
			.build());
		try (RedisConnector connector = RedisConnector.of(own, uri)) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			// every client's commands held for 1.5 s, as a stalled server holds them
			redis().clientPause(1500);
			long before = direct.calls();
			long start = System.nanoTime();
			assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(() -> client.push("direct", "n", 1))
				.withMessageContaining("Command timed out after 300 millisecond(s)")
				.satisfies((ex) -> assertThat(ex.mayHaveBeenWritten()).isTrue());
			assertThat(direct.calls() - before).isEqualTo(1);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
				.until(() -> client.push("direct", "n", 2).created());
		}
		finally {
			own.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	@Test
	void aServerThatBecameAReplicaMovesTheDirectConnectionToo() throws Exception {
		try (RedisServer newMaster = RedisServer.start();
				LoopbackForwarder address = new LoopbackForwarder(this.server.port());
				RedisConnector connector = RedisConnector.create("redis://127.0.0.1:" + address.port())) {
			QueueClient client = client(connector);
			openDirect(connector, client);
			address.pointTo(newMaster.port());
			redis().replicaof("127.0.0.1", newMaster.port());
			assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(() -> client.push("direct", "n", 1))
				.withMessageContaining("READONLY");
			// only pushes, no other command: the direct connection's READONLY alone moves the connector
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
				.until(() -> client.push("direct", "n", 2).created());
			RedisClient onNew = RedisClient.create(newMaster.uri());
			try (StatefulRedisConnection<String, String> connection = onNew.connect()) {
				assertThat(connection.sync().llen(keys().waiting())).isPositive();
			}
			finally {
				onNew.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			}
			openDirect(connector, client);
			assertThat(connector.direct().localPort()).isPositive();
		}
	}

	@Test
	void anAclUserAndADatabaseOfTheUriAreTheDirectConnectionsToo() {
		redis().aclSetuser("direct-user", AclSetuserArgs.Builder.on().addPassword("direct-secret").allKeys().allChannels()
			.allCommands());
		String uri = "redis://direct-user:direct-secret@127.0.0.1:" + this.server.port() + "/3";
		try (RedisConnector connector = RedisConnector.create(uri)) {
			QueueClient client = client(connector);
			DirectConnection direct = openDirect(connector, client);
			long before = direct.calls();
			PushResult pushed = client.push("direct", "n", 1);
			assertThat(direct.calls() - before).isEqualTo(1);
			assertThat(redis().hexists(keys().jobs(), pushed.id())).as("not in database 0").isFalse();
			RedisClient onDatabase3 = RedisClient.create(uri);
			try (StatefulRedisConnection<String, String> connection = onDatabase3.connect()) {
				assertThat(connection.sync().hexists(keys().jobs(), pushed.id())).isTrue();
				assertThat(connection.sync().clientList()).contains("user=direct-user");
			}
			finally {
				onDatabase3.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			}
		}
	}

	@Test
	void noDirectConnectionOverTlsNorWithoutACommandTimeout() {
		RedisURI tls = RedisURI.create("rediss://127.0.0.1:6379");
		assertThat(DirectConnection.forUri(tls, () -> tls, Duration.ofSeconds(1), Duration.ofSeconds(1))).isNull();
		RedisURI plain = RedisURI.create("redis://127.0.0.1:6379");
		assertThat(DirectConnection.forUri(plain, () -> plain, Duration.ofSeconds(1), Duration.ZERO)).isNull();
		assertThat(DirectConnection.forUri(plain, () -> plain, Duration.ofSeconds(1), Duration.ofSeconds(1))).isNotNull();
	}

	/** Push until the direct connection is open (it opens in the background after a push wanted it). */
	private static DirectConnection openDirect(RedisConnector connector, QueueClient client) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
			client.push("direct", "warm-up", 0);
			return connector.direct() != null && connector.direct().isOpen();
		});
		return connector.direct();
	}

	private QueueClient client(RedisConnector connector) {
		return new QueueClient(connector, this.serializer, Queues.of(this.settings));
	}

	private RedisCommands<String, String> redis() {
		return this.inspection.sync();
	}

	private QueueKeys keys() {
		return QueueKeys.of(this.settings.channel());
	}

}
