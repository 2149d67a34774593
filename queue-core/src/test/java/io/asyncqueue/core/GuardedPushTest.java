package io.asyncqueue.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GuardedPushTest extends RedisTestSupport {

	/** Takes one unit of KEYS[1]; refuses with 'sold_out' when none is left. */
	static final String TAKE_ONE = """
			local left = tonumber(redis.call('GET', KEYS[1]) or '0')
			if left <= 0 then return false, 'sold_out' end
			return true, redis.call('DECR', KEYS[1])
			""";

	@Test
	void anAcceptedGuardsWritesAndTheJobBothLand() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String stock = client.guardKey(this.queue, "stock:item-1");
		redisCommands().set(stock, "2");
		PushResult result = client.push(this.queue, "order", "o-1",
				PushOptions.guardedBy(PushGuard.script(TAKE_ONE).keys(stock)));
		assertThat(result.created()).isTrue();
		assertThat(result.refusedByGuard()).isFalse();
		assertThat(result.duplicate()).isFalse();
		assertThat(result.guardReply()).isEqualTo(1L);
		assertThat(redisCommands().get(stock)).isEqualTo("1");
		assertThat(redisCommands().lrange(keys(settings).waiting(), 0, -1)).containsExactly(result.id());
		assertThat(this.serializer.deserialize(redisCommands().hget(keys(settings).jobs(), result.id())).job())
			.isEqualTo("order");
	}

	@Test
	void aRefusingGuardPushesNothingAndItsReplyReachesTheCaller() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String stock = client.guardKey(this.queue, "stock:item-1");
		redisCommands().set(stock, "0");
		PushResult result = client.push(this.queue, "order", "o-1",
				PushOptions.guardedBy(PushGuard.script(TAKE_ONE).keys(stock)));
		assertThat(result.created()).isFalse();
		assertThat(result.refusedByGuard()).isTrue();
		assertThat(result.duplicate()).isFalse();
		assertThat(result.id()).isNull();
		assertThat(result.guardReply()).isEqualTo("sold_out");
		assertThat(redisCommands().get(stock)).isEqualTo("0");
		assertThat(redisCommands().exists(keys(settings).waiting(), keys(settings).jobs(), keys(settings).delayed()))
			.isZero();
	}

	@Test
	void aGuardSeesOnlyItsOwnKeysAndArguments() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String key = client.guardKey(this.queue, "k");
		PushResult result = client.push(this.queue, "order", "o-1", PushOptions.guardedBy(
				PushGuard.script("return true, {#KEYS, KEYS[1], #ARGV, ARGV[1]}").keys(key).args("a1")));
		assertThat(result.guardReply()).isEqualTo(List.of(1L, key, 1L, "a1"));
	}

	@Test
	void aGuardThatRaisesAnErrorPushesNothingAndTheCallerReadsTheLuaError() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String stock = client.guardKey(this.queue, "stock");
		redisCommands().set(stock, "not a number");
		PushOptions options = PushOptions.guardedBy(PushGuard.script("""
				if ARGV[1] == 'explicit' then error('no price for this item') end
				return true, redis.call('DECR', KEYS[1])
				""").keys(stock).args("explicit"));
		assertThatExceptionOfType(PushGuardException.class)
			.isThrownBy(() -> client.push(this.queue, "order", "o-1", options))
			.satisfies((ex) -> assertThat(ex.getMessage().lines().findFirst().orElseThrow())
				.startsWith("The guard of a push to queue '" + this.queue + "' failed, nothing was pushed: ")
				.contains("guard line 1: no price for this item"));
		assertThatExceptionOfType(PushGuardException.class)
			.isThrownBy(() -> client.push(this.queue, "order", "o-1",
					options.guard(options.guard().args("redis-error"))))
			.withMessageContaining("not an integer");
		assertThat(redisCommands().exists(keys(settings).waiting(), keys(settings).jobs())).isZero();
	}

	@Test
	void aGuardMustSayTrueOrFalse() {
		QueueSettings settings = settings().build();
		assertThatExceptionOfType(PushGuardException.class)
			.isThrownBy(() -> client(settings).push(this.queue, "order", "o-1",
					PushOptions.guardedBy(PushGuard.script("return 1"))))
			.withMessageContaining("must return true (push) or false (refuse) as its first value, it returned number");
		assertThat(redisCommands().exists(keys(settings).waiting())).isZero();
	}

	@Test
	void aGuardThatDoesNotCompileIsReportedWithItsLine() {
		QueueSettings settings = settings().build();
		assertThatExceptionOfType(PushGuardException.class)
			.isThrownBy(() -> client(settings).push(this.queue, "order", "o-1",
					PushOptions.guardedBy(PushGuard.script("local x = \nreturn true ("))))
			.withMessageContaining("Error compiling script");
	}

	@Test
	void guardKeysMustBeTheQueuesGuardKeys() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String tag = "{" + settings.channel() + "}:";
		for (String key : List.of("stock:item-1", tag + "jobs", tag + "waiting", tag + "guard:",
				"{other}:guard:stock")) {
			assertThatExceptionOfType(QueueException.class)
				.isThrownBy(() -> client.push(this.queue, "order", "o-1",
						PushOptions.guardedBy(PushGuard.script("redis.call('DEL', KEYS[1]) return true").keys(key))))
				.withMessageContaining("Guard key '" + key + "' is not a guard key of queue '" + this.queue + "'")
				.withMessageContaining("QueueClient.guardKey");
		}
		assertThat(client.guardKey(this.queue, "stock:item-1")).isEqualTo(tag + "guard:stock:item-1");
		assertThat(redisCommands().exists(keys(settings).waiting())).isZero();
	}

	@Test
	void aHeldUniqueIdRefusesThePushBeforeItsGuardRuns() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String stock = client.guardKey(this.queue, "stock");
		redisCommands().set(stock, "5");
		PushOptions options = PushOptions.guardedBy(PushGuard.script(TAKE_ONE).keys(stock)).uniqueId("user-1");
		PushResult first = client.push(this.queue, "order", "o-1", options);
		PushResult second = client.push(this.queue, "order", "o-1", options);
		assertThat(first.created()).isTrue();
		assertThat(second.duplicate()).isTrue();
		assertThat(second.id()).isEqualTo(first.id());
		assertThat(second.guardReply()).isNull();
		assertThat(redisCommands().get(stock)).isEqualTo("4");
		assertThat(redisCommands().llen(keys(settings).waiting())).isEqualTo(1);
	}

	@Test
	void aClosedQueueRefusesThePushBeforeItsGuardRuns() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String stock = client.guardKey(this.queue, "stock");
		redisCommands().set(stock, "5");
		operations(settings).closePushes(this.queue);
		assertThatExceptionOfType(QueueClosedException.class).isThrownBy(() -> client.push(this.queue, "order", "o-1",
				PushOptions.guardedBy(PushGuard.script(TAKE_ONE).keys(stock))));
		assertThat(redisCommands().get(stock)).isEqualTo("5");
	}

	@Test
	void aGuardedPushCannotJoinABatch() {
		QueueSettings settings = settings().build();
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> client(settings).pushAll(this.queue,
					List.of(PushRequest.of("order", "a"),
							new PushRequest("order", "b", PushOptions.guardedBy(PushGuard.script("return true"))))))
			.withMessageContaining("A guarded push goes alone");
		assertThat(redisCommands().exists(keys(settings).waiting())).isZero();
	}

	@Test
	void aFlushedScriptCacheIsLoadedAgain() {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		PushOptions options = PushOptions.guardedBy(PushGuard.script("return true, 'ok'"));
		client.push(this.queue, "order", "a", options);
		redisCommands().scriptFlush();
		assertThat(client.push(this.queue, "order", "b", options).guardReply()).isEqualTo("ok");
		assertThat(redisCommands().llen(keys(settings).waiting())).isEqualTo(2);
	}

	@Test
	void concurrentGuardedPushesNeverTakeMoreThanTheStockAndEveryUnitHasItsJob() throws Exception {
		QueueSettings settings = settings().build();
		QueueClient client = client(settings);
		String stock = client.guardKey(this.queue, "stock");
		redisCommands().set(stock, "20");
		PushGuard guard = PushGuard.script(TAKE_ONE).keys(stock);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<PushResult>> results = new ArrayList<>();
		try {
			for (int i = 0; i < 60; i++) {
				String order = "o-" + i;
				results.add(threads.submit(() -> client.push(this.queue, "order", order, PushOptions.guardedBy(guard))));
			}
			int created = 0;
			for (Future<PushResult> result : results) {
				created += result.get().created() ? 1 : 0;
			}
			assertThat(created).isEqualTo(20);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(redisCommands().get(stock)).isEqualTo("0");
		assertThat(redisCommands().llen(keys(settings).waiting())).isEqualTo(20);
	}

}
