package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;
import io.asyncqueue.core.scripts.SettleReply;

import static io.asyncqueue.core.scripts.SettleReply.APPLIED;
import static io.asyncqueue.core.scripts.SettleReply.GONE;
import static io.asyncqueue.core.scripts.SettleReply.NOT_OWNED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetch and settle scripts work on whole batches (one HMGET, ZADD, ZMSCORE, ZREM or HDEL per key
 * rather than per job), so their per-job rules are checked here on batches directly: ownership per
 * job inside one batch, every action mixed in one call, and batches longer than one 500-id chunk.
 */
class BatchScriptsTest extends RedisTestSupport {

	@Test
	void batchesLongerThanOneChunkAreFetchedAndAcknowledgedWhole() {
		QueueSettings settings = settings().build();
		List<String> ids = push(settings, 1_234);
		List<FetchedJob> fetched = fetch(settings, 1_234);
		assertThat(fetched).hasSize(1_234);
		List<SettleRecord> acks = new ArrayList<>();
		for (FetchedJob job : fetched) {
			assertThat(job.attempt()).isEqualTo(1);
			acks.add(SettleRecord.ack(job.id(), job.token(), null));
		}
		assertThat(operations(settings).counts(this.queue).reserved()).isEqualTo(1_234);
		List<SettleReply> settled = settle(settings, acks);
		assertThat(settled).hasSize(1_234).containsOnly(APPLIED);
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
		List<String> tokens = fetch(settings, 6).stream().map(FetchedJob::token).toList();
		assertThat(tokens).hasSize(6);
		List<SettleReply> settled = settle(settings, List.of(
				SettleRecord.ack(ids.get(0), tokens.get(0), null),
				SettleRecord.ack(ids.get(1), tokens.get(1) + "0", null), // a stale token: another fetch owns it
				SettleRecord.ack(ids.get(0), tokens.get(0), null), // the same job twice in one batch
				SettleRecord.retry(ids.get(2), tokens.get(2), 0, "{\"reason\":\"boom\"}"),
				SettleRecord.fail(ids.get(3), tokens.get(3), "{\"reason\":\"bad\"}", null),
				SettleRecord.requeue(ids.get(4), tokens.get(4), 0),
				SettleRecord.ack(ids.get(5), tokens.get(5), "u-5")));
		assertThat(settled).containsExactly(APPLIED, NOT_OWNED, NOT_OWNED, APPLIED, APPLIED, APPLIED, APPLIED);
		QueueKeys keys = keys(settings);
		assertThat(operations(settings).counts(this.queue)).isEqualTo(new QueueCounts(this.queue, 2, 0, 1, 1, 0));
		assertThat(redisCommands().lrange(keys.waiting(), 0, -1)).containsExactly(ids.get(2), ids.get(4));
		assertThat(redisCommands().zrange(keys.reserved(), 0, -1)).containsExactly(ids.get(1));
		assertThat(redisCommands().hexists(keys.jobs(), ids.get(0))).isFalse();
		assertThat(redisCommands().hexists(keys.jobs(), ids.get(5))).isFalse();
		assertThat(redisCommands().hexists(keys.unique(), "u-5")).as("the unique id is free again").isFalse();
		// retry counts the attempt, requeue does not; the failed job keeps its error
		assertThat(redisCommands().hmget(keys.attempts(), ids.get(2), ids.get(4)).stream().map((kv) -> kv.getValue()))
			.containsExactly(tokens.get(2), "0");
		assertThat(redisCommands().hget(keys.errors(), ids.get(3))).contains("bad");
	}

	@Test
	void fetchSkipsJobsWhoseDataIsGoneAndReservesTheRest() {
		QueueSettings settings = settings().build();
		List<String> ids = push(settings, 3);
		redisCommands().hdel(keys(settings).jobs(), ids.get(1));
		List<FetchedJob> fetched = fetch(settings, 3);
		assertThat(fetched).extracting(FetchedJob::id).containsExactly(ids.get(0), ids.get(2));
		assertThat(redisCommands().zrange(keys(settings).reserved(), 0, -1)).containsExactlyInAnyOrder(ids.get(0),
				ids.get(2));
		assertThat(redisCommands().hexists(keys(settings).attempts(), ids.get(1))).isFalse();
	}

	@Test
	void renewalNamesTheLostCopyByItsToken() {
		QueueSettings settings = settings().build();
		List<String> ids = push(settings, 2);
		List<String> tokens = fetch(settings, 2).stream().map(FetchedJob::token).toList();
		// the worker holds job 0 twice: under its current token and an old one (a copy from before a
		// recovery), and job 1 under its current token
		List<Lease> lost = QueueClient.join(scripts(settings).extend(List.of(new Lease(ids.get(0), "0"),
				new Lease(ids.get(0), tokens.get(0)), new Lease(ids.get(1), tokens.get(1)))));
		assertThat(lost).as("the copies that lost their lease").containsExactly(new Lease(ids.get(0), "0"));
	}

	private List<String> push(QueueSettings settings, int count) {
		List<PushRequest> requests = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			requests.add(PushRequest.of("n", Map.of("i", i)));
		}
		return client(settings).pushAll(this.queue, requests).stream().map(PushResult::id).toList();
	}

	private List<FetchedJob> fetch(QueueSettings settings, int count) {
		return QueueClient.join(scripts(settings).fetch(count, "{\"reason\":\"stalled\"}")).jobs();
	}

	private List<SettleReply> settle(QueueSettings settings, List<SettleRecord> records) {
		return QueueClient.join(scripts(settings).settleAll(records));
	}

	@Test
	void aCallerCanWaitForEarlierSettlesToBeSentAheadOfItsFetch() throws Exception {
		QueueSettings settings = settings().build();
		QueueScripts scripts = scripts(settings);
		push(settings, 2);
		List<FetchedJob> fetched = fetch(settings, 2);
		assertThat(scripts.awaitSettlesSent(0)).as("nothing submitted: nothing to wait for").isTrue();
		// scripts may write, so CLIENT PAUSE WRITE holds the first settle call while the connection stays open
		redisCommands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(5000).add("WRITE"));
		CompletableFuture<SettleReply> first;
		CompletableFuture<SettleReply> second;
		try {
			first = scripts.settle(SettleRecord.ack(fetched.get(0).id(), fetched.get(0).token(), null));
			second = scripts.settle(SettleRecord.ack(fetched.get(1).id(), fetched.get(1).token(), null));
			assertThat(scripts.awaitSettlesSent(TimeUnit.MILLISECONDS.toNanos(300)))
				.as("the second settle waits behind the first call, unsent").isFalse();
		}
		finally {
			redisCommands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
					new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
		}
		assertThat(scripts.awaitSettlesSent(TimeUnit.SECONDS.toNanos(10))).isTrue();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(APPLIED);
		assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(APPLIED);
	}

}
