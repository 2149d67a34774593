package io.asyncqueue.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.PushRecord;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;
import io.asyncqueue.core.scripts.SettleReply;
import io.asyncqueue.test.RedisServer;

import static io.asyncqueue.core.scripts.SettleReply.APPLIED;
import static io.asyncqueue.core.scripts.SettleReply.GONE;
import static io.asyncqueue.core.scripts.SettleReply.NOT_OWNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A Redis at {@code maxmemory} under {@code noeviction} refuses a script whose first write may grow
 * memory, and lets the rest of a script through once a write has happened. Every script a queue needs to
 * drain therefore starts with a shrinking write; here a real server is filled until pushes are refused,
 * and the queue must still fetch (promoting a due delayed job), renew, settle and drain, which frees the
 * memory. A private server: the limit must not reach other tests.
 */
class OutOfMemoryTest {

	private static RedisServer server;

	private static RedisClient client;

	private static RedisConnector redis;

	private static StatefulRedisConnection<String, String> inspection;

	@BeforeAll
	static void start() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
		client.setOptions(RedisConnector.defaultClientOptions());
		redis = RedisConnector.of(client);
		inspection = client.connect();
	}

	@AfterAll
	static void stop() {
		inspection.close();
		redis.close();
		client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		server.close();
	}

	@Test
	void queueAtMaxmemoryStillFetchesSettlesAndDrainsWhichFreesMemory() throws InterruptedException {
		RedisCommands<String, String> commands = inspection.sync();
		QueueSettings settings = QueueSettings.builder("oom").retryBackoff(RetryBackoff.fixed(Duration.ZERO)).build();
		QueueScripts scripts = new QueueScripts(redis, settings);
		QueueClient client = new QueueClient(redis, new JobSerializer(), Queues.of(settings));
		List<PushResult> held = client.pushAll("oom", List.of(PushRequest.of("n", 0), PushRequest.of("n", 1),
				PushRequest.of("n", 2)));
		List<FetchedJob> reserved = QueueClient.join(scripts.fetch(3, "{}")).jobs();
		assertThat(reserved).hasSize(3);
		String due = client.push("oom", "n", 3, PushOptions.delay(Duration.ofMillis(300))).id();

		commands.configSet("maxmemory-policy", "noeviction");
		commands.configSet("maxmemory", Long.toString(usedMemory(commands) + (2 << 20)));
		String filler = "x".repeat(16 * 1024);
		int pushed = 0;
		QueueException refused = null;
		while (refused == null) {
			try {
				client.push("oom", "n", filler);
				pushed++;
			}
			catch (QueueException ex) {
				refused = ex;
			}
		}
		assertThat(refused).hasMessageContaining("OOM");
		assertThat(pushed).isGreaterThan(10);
		// held over the limit: a client's buffers freed after the refusal must not bring it back under
		commands.configSet("maxmemory", Long.toString(usedMemory(commands) - (512 << 10)));
		Thread.sleep(400);

		// (a) a due delayed job (every retry is one) is promoted: the fetch is not refused
		assertThat(QueueClient.join(scripts.fetch(0, "{}")).jobs()).isEmpty();
		assertThat(commands.lrange(scripts.keys().waiting(), -1, -1)).containsExactly(due);
		// leases are renewed
		assertThat(QueueClient.join(scripts.extend(reserved.stream().map((job) -> new Lease(job.id(), job.token())).toList())))
			.isEmpty();
		// (b) a settle batch whose first record grows memory lands whole, its acks included
		assertThat(QueueClient.join(scripts.settleAll(List.of(
				SettleRecord.retry(reserved.get(0).id(), reserved.get(0).token(), 0, "{\"reason\":\"again\"}"),
				SettleRecord.ack(reserved.get(1).id(), reserved.get(1).token(), null),
				SettleRecord.ack(reserved.get(2).id(), reserved.get(2).token(), null)))))
			.containsExactly(APPLIED, APPLIED, APPLIED);
		assertThat(commands.hexists(scripts.keys().jobs(), held.get(1).id())).isFalse();
		assertThatExceptionOfType(QueueException.class).as("still full").isThrownBy(() -> client.push("oom", "n", filler));

		// (c) the queue drains, and that frees the memory
		AtomicInteger handled = new AtomicInteger();
		QueueWorker worker = QueueWorker.builder(settings, redis)
			.job("n", Object.class, (payload, context) -> handled.incrementAndGet())
			.build();
		worker.start();
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> QueueClient.join(scripts.counts()).equals(new QueueCounts("oom", 0, 0, 0, 0, 0)));
		}
		finally {
			worker.stop(Duration.ofSeconds(2));
		}
		assertThat(handled.get()).isEqualTo(pushed + 2);
		assertThat(commands.hlen(scripts.keys().jobs())).isZero();
		assertThat(client.push("oom", "n", Map.of("after", true)).created()).as("memory is free again").isTrue();
	}

	private static long usedMemory(RedisCommands<String, String> commands) {
		for (String line : commands.info("memory").split("\r?\n")) {
			if (line.startsWith("used_memory:")) {
				return Long.parseLong(line.substring("used_memory:".length()).trim());
			}
		}
		throw new IllegalStateException("no used_memory in INFO");
	}

}
