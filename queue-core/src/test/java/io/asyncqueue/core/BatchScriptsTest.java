package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.redis.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetch and settle scripts work on whole batches (one HMGET, ZADD, ZMSCORE, ZREM or HDEL per key
 * rather than per job), so their per-job rules are checked here on batches directly: ownership per
 * job inside one batch, every action mixed in one call, and batches longer than one 500-id chunk.
 */
class BatchScriptsTest extends RedisTestSupport {

	private static final RedisScript FETCH = RedisScript.named("fetch");

	private static final RedisScript SETTLE = RedisScript.named("settle");

	private static final RedisScript EXTEND = RedisScript.named("extend");

	@Test
	void batchesLongerThanOneChunkAreFetchedAndAcknowledgedWhole() {
		QueueSettings settings = settings().build();
		List<String> ids = push(settings, 1_234);
		List<Object> fetched = fetch(settings, 1_234);
		assertThat(fetched).hasSize(1_234 * 3);
		List<String> args = new ArrayList<>();
		for (int i = 0; i < fetched.size(); i += 3) {
			assertThat(fetched.get(i + 1)).isEqualTo(1L);
			args.addAll(List.of("ack", (String) fetched.get(i), "1"));
		}
		assertThat(operations(settings).counts(this.queue).reserved()).isEqualTo(1_234);
		List<Long> settled = settle(settings, args);
		assertThat(settled).hasSize(1_234).containsOnly(1L);
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 0, 0, 0, 0, 0));
		assertThat(redisCommands().hlen(keys(settings).jobs())).isZero();
		assertThat(redisCommands().hlen(keys(settings).attempts())).isZero();
		assertThat(ids).hasSize(1_234);
	}

	@Test
	void oneBatchMixesEveryActionAndSettlesOnlyWhatTheCallerOwns() {
		QueueSettings settings = settings().build();
		List<String> ids = new ArrayList<>(push(settings, 5));
		ids.add(client(settings).push(this.queue, "n", Map.of("i", 5), PushOptions.unique("u-5")).id());
		assertThat(fetch(settings, 6)).hasSize(18);
		// an ack is three fields, every other record six
		List<Long> settled = settle(settings, List.of(
				"ack", ids.get(0), "1",
				"ack", ids.get(1), "2", // a stale token: another attempt owns it
				"ack", ids.get(0), "1", // the same job twice in one batch
				"retry", ids.get(2), "1", "0", "{\"reason\":\"boom\"}", "",
				"fail", ids.get(3), "1", "0", "{\"reason\":\"bad\"}", "",
				"requeue", ids.get(4), "1", "0", "", "",
				"ack-unique", ids.get(5), "1", "0", "", "u-5"));
		assertThat(settled).containsExactly(1L, 0L, 0L, 1L, 1L, 1L, 1L);
		QueueKeys keys = keys(settings);
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 2, 0, 1, 1, 0));
		assertThat(redisCommands().lrange(keys.waiting(), 0, -1)).containsExactly(ids.get(2), ids.get(4));
		assertThat(redisCommands().zrange(keys.reserved(), 0, -1)).containsExactly(ids.get(1));
		assertThat(redisCommands().hexists(keys.jobs(), ids.get(0))).isFalse();
		assertThat(redisCommands().hexists(keys.jobs(), ids.get(5))).isFalse();
		assertThat(redisCommands().hexists(keys.unique(), "u-5")).as("the unique id is free again").isFalse();
		// retry counts the attempt, requeue does not; the failed job keeps its error
		assertThat(redisCommands().hmget(keys.attempts(), ids.get(2), ids.get(4)).stream().map((kv) -> kv.getValue()))
			.containsExactly("1", "0");
		assertThat(redisCommands().hget(keys.errors(), ids.get(3))).contains("bad");
	}

	@Test
	void fetchSkipsJobsWhoseDataIsGoneAndReservesTheRest() {
		QueueSettings settings = settings().build();
		List<String> ids = push(settings, 3);
		redisCommands().hdel(keys(settings).jobs(), ids.get(1));
		List<Object> fetched = fetch(settings, 3);
		assertThat(fetched).hasSize(6);
		assertThat(List.of(fetched.get(0), fetched.get(3))).containsExactly(ids.get(0), ids.get(2));
		assertThat(redisCommands().zrange(keys(settings).reserved(), 0, -1)).containsExactlyInAnyOrder(ids.get(0),
				ids.get(2));
		assertThat(redisCommands().hexists(keys(settings).attempts(), ids.get(1))).isFalse();
	}

	@Test
	void renewalNamesTheLostCopyByItsToken() {
		QueueSettings settings = settings().build();
		List<String> ids = push(settings, 2);
		assertThat(fetch(settings, 2)).hasSize(6);
		// the worker holds job 0 twice: under its current token 1 and an old token 0 (a copy from before a
		// recovery), and job 1 under token 1
		List<String> lost = QueueClient.join(EXTEND.run(redis.commands(), keys(settings).all().toArray(String[]::new),
				"30000", ids.get(0), "0", ids.get(0), "1", ids.get(1), "1"));
		assertThat(lost).as("(id, token) pairs of the copies that lost their lease").containsExactly(ids.get(0), "0");
	}

	private List<String> push(QueueSettings settings, int count) {
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			requests.add(PushRequest.of("n", Map.of("i", i)));
		}
		return client(settings).pushAll(this.queue, requests).stream().map(PushResult::id).toList();
	}

	private List<Object> fetch(QueueSettings settings, int count) {
		List<Object> reply = QueueClient.join(FETCH.run(redis.commands(), keys(settings).all().toArray(String[]::new),
				Integer.toString(count), "30000", "2", "recover", "{\"reason\":\"stalled\"}"));
		@SuppressWarnings("unchecked")
		List<Object> jobs = (List<Object>) reply.get(0);
		return jobs;
	}

	private List<Long> settle(QueueSettings settings, List<String> args) {
		return QueueClient.join(SETTLE.run(redis.commands(), keys(settings).all().toArray(String[]::new),
				args.toArray(String[]::new)));
	}

}
