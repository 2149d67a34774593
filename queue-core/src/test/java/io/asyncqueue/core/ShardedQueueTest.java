package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.ShardLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** A sharded queue on one standalone Redis: N queues in Redis, one queue for pushers, workers and operators. */
class ShardedQueueTest extends RedisTestSupport {

	@Test
	void pushesAreSpreadOverEveryShardAndOneConsumerDrainsThemAll() {
		QueueSettings settings = settings().shards(4).build();
		QueueClient client = client(settings);
		List<PushRequest> batch = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			batch.add(PushRequest.of("n", i));
		}
		List<String> pushed = new ArrayList<>(client.pushAll(this.queue, batch).stream().map(PushResult::id).toList());
		for (int i = 20; i < 40; i++) {
			pushed.add(client.push(this.queue, "n", i).id());
		}
		for (String channel : ShardLayout.channels(settings.channel(), 4)) {
			assertThat(redisCommands().llen(QueueKeys.of(channel).waiting())).as(channel).isEqualTo(10);
		}
		assertThat(operations(settings).counts(this.queue).waiting()).isEqualTo(40);
		Set<String> handled = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.add(context.id())));
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.containsAll(pushed));
		await().atMost(Duration.ofSeconds(5)).until(() -> operations(settings).counts(this.queue).reserved() == 0);
		assertThat(operations(settings).counts(this.queue))
			.isEqualTo(new QueueCounts(this.queue, 0, 0, 0, 0, 0));
	}

	@Test
	void aUniqueIdIsDeduplicatedWhicheverShardItLandsIn() {
		QueueSettings settings = settings().shards(4).build();
		QueueClient client = client(settings);
		Set<Integer> shardsUsed = new HashSet<>();
		ShardRouter router = new ShardRouter(4);
		for (int i = 0; i < 20; i++) {
			PushOptions options = PushOptions.unique("order-" + i);
			shardsUsed.add(router.shardOf(options));
			PushResult first = client.push(this.queue, "n", i, options);
			PushResult again = client.push(this.queue, "n", i, PushOptions.unique("order-" + i));
			assertThat(first.created()).isTrue();
			assertThat(again.created()).isFalse();
			assertThat(again.id()).isEqualTo(first.id());
		}
		assertThat(shardsUsed).hasSize(4);
		assertThat(operations(settings).counts(this.queue).waiting()).isEqualTo(20);
	}

	@Test
	void aGroupsJobsLandInOneShardAndRunOneAtATimeInPushOrder() {
		QueueSettings settings = settings().shards(4).concurrency(8).build();
		QueueClient client = client(settings);
		ShardRouter router = new ShardRouter(4);
		Set<Integer> shardsUsed = new HashSet<>();
		for (int n = 0; n < 10; n++) {
			for (int g = 0; g < 8; g++) {
				client.push(this.queue, "n", g * 100 + n, PushOptions.group("customer-" + g));
			}
		}
		for (int g = 0; g < 8; g++) {
			shardsUsed.add(router.shardOf(PushOptions.group("customer-" + g)));
		}
		assertThat(shardsUsed).as("8 groups over 4 shards").hasSizeGreaterThan(1);
		Map<Integer, List<Integer>> order = new ConcurrentHashMap<>();
		Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			AtomicInteger inGroup = running.computeIfAbsent(n / 100, (g) -> new AtomicInteger());
			if (inGroup.incrementAndGet() > 1) {
				overlaps.incrementAndGet();
			}
			order.computeIfAbsent(n / 100, (g) -> new CopyOnWriteArrayList<>()).add(n % 100);
			Thread.sleep(2);
			inGroup.decrementAndGet();
		}));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> order.values().stream().mapToInt(List::size).sum() == 80);
		assertThat(overlaps).as("two jobs of one group at once").hasValue(0);
		for (int g = 0; g < 8; g++) {
			assertThat(order.get(g)).as("group " + g).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		}
	}

	@Test
	void aPushToAnotherShardWakesAnIdleConsumerAtOnce() throws Exception {
		QueueSettings settings = settings().shards(3).blockingTimeout(Duration.ofSeconds(30)).build();
		List<Long> latencies = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis)
			.job("n", Long.class, (pushedAt, context) -> latencies.add(System.nanoTime() - pushedAt)));
		Thread.sleep(500);
		ShardRouter router = new ShardRouter(3);
		for (int shard = 1; shard < 3; shard++) {
			String id = idIn(router, shard);
			client(settings).push(this.queue, "n", System.nanoTime(), PushOptions.now().jobId(id));
			int expected = shard;
			await().atMost(Duration.ofSeconds(5)).until(() -> latencies.size() == expected);
		}
		assertThat(latencies).allSatisfy((nanos) -> assertThat(nanos).isLessThan(2_000_000_000L));
	}

	@Test
	void pauseAndPushGateActOnEveryShard() throws Exception {
		QueueSettings settings = settings().shards(3).build();
		QueueOperations operations = operations(settings);
		QueueClient client = client(settings);
		assertThat(operations.pause(this.queue)).isTrue();
		assertThat(operations.isPaused(this.queue)).isTrue();
		for (String channel : ShardLayout.channels(settings.channel(), 3)) {
			assertThat(redisCommands().hexists(QueueKeys.of(channel).control(), "paused")).as(channel).isTrue();
		}
		Set<Integer> handled = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.add(n)));
		for (int i = 0; i < 9; i++) {
			client.push(this.queue, "n", i);
		}
		Thread.sleep(1000);
		assertThat(handled).isEmpty();
		assertThat(operations.resume(this.queue)).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 9);
		assertThat(operations.closePushes(this.queue)).isTrue();
		assertThat(operations.arePushesClosed(this.queue)).isTrue();
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(QueueClosedException.class).isThrownBy(() -> client.push(this.queue, "n", 0));
		}
		assertThat(operations.openPushes(this.queue)).isTrue();
		assertThat(client.push(this.queue, "n", 100).created()).isTrue();
	}

	@Test
	void parkedJobsAreListedReloadedAndFlushedAcrossShards() throws Exception {
		QueueSettings settings = settings().shards(3).maxAttempts(1).build();
		QueueOperations operations = operations(settings);
		QueueClient client = client(settings);
		Set<Integer> succeeded = ConcurrentHashMap.newKeySet();
		Set<Integer> failOnce = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			if (failOnce.add(n)) {
				throw new IllegalStateException("first try of " + n);
			}
			succeeded.add(n);
		}));
		for (int i = 0; i < 9; i++) {
			client.push(this.queue, "n", i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> operations.counts(this.queue).failed() == 9);
		List<FailedJob> page = operations.failedJobs(this.queue, 2, 5);
		List<FailedJob> all = operations.failedJobs(this.queue, 0, 100);
		assertThat(all).hasSize(9);
		assertThat(all).isSortedAccordingTo((a, b) -> b.failedAt().compareTo(a.failedAt()));
		assertThat(page).containsExactlyElementsOf(all.subList(2, 7));
		assertThat(operations.retry(this.queue, all.get(8).id()).moved()).isEqualTo(1);
		assertThat(operations.reloadAll(this.queue, JobState.FAILED).moved()).isEqualTo(8);
		await().atMost(Duration.ofSeconds(10)).until(() -> succeeded.size() == 9);
		for (int i = 0; i < 6; i++) {
			client.push(this.queue, "n", i, PushOptions.delay(Duration.ofHours(1)));
		}
		String last = client.push(this.queue, "n", 7, PushOptions.delay(Duration.ofHours(1))).id();
		assertThat(operations.delete(this.queue, last)).isTrue();
		assertThat(operations.flush(this.queue, JobState.DELAYED)).isEqualTo(6);
		assertThat(operations.counts(this.queue).delayed()).isZero();
	}

	@Test
	void aShardThatFailsEveryFetchDoesNotStopTheOthers() {
		QueueSettings settings = settings().shards(3).build();
		// shard 0 (where the loop starts) answers every fetch with WRONGTYPE, as a shard whose master is gone fails
		redisCommands().set(keys(settings).waiting(), "not a list");
		QueueClient client = client(settings);
		ShardRouter router = new ShardRouter(3);
		List<String> pushed = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String id = idIn(router, 1 + i % 2, i);
			pushed.add(client.push(this.queue, "n", i, PushOptions.now().jobId(id)).id());
		}
		Set<String> handled = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> handled.add(context.id())));
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.containsAll(pushed));
		redisCommands().del(keys(settings).waiting());
	}

	@Test
	void onOneRedisThePlacementIsEmpty() {
		assertThat(io.asyncqueue.core.scripts.ShardPlacement.masters(redis, settings().shards(3).build())
			.join()
			.masters()).isEmpty();
	}

	@Test
	void shardingAnExistingQueueKeepsTheJobsAlreadyPushed() {
		QueueSettings before = settings().build();
		List<String> pushed = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			pushed.add(client(before).push(this.queue, "n", i).id());
		}
		QueueSettings after = before.toBuilder().shards(4).build();
		assertThat(operations(after).counts(this.queue).waiting()).isEqualTo(5);
		Set<String> handled = ConcurrentHashMap.newKeySet();
		start(QueueWorker.builder(after, redis).job("n", Integer.class, (n, context) -> handled.add(context.id())));
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.containsAll(pushed));
	}

	@Test
	void anIdleShardedConsumerCostsLessThanOneCommandPerSecondPerShard() throws Exception {
		QueueSettings settings = settings().shards(4).consumers(2).build();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
		}));
		Thread.sleep(1000);
		long before = processed();
		Thread.sleep(12_000);
		long commands = processed() - before;
		// per blocking timeout (10 s) each of the 2 loops fetches from the 4 shards and blocks once: 5 commands, so
		// at most 2 rounds each in 12 s, 20 commands, 0.42 per second per shard
		assertThat(commands).isLessThanOrEqualTo(2 * 5 * 2).isGreaterThan(0);
	}

	@Test
	void aShardedQueuesLimitsAreSplitAmongItsShardsAndAddUpToTheQueues() {
		QueueSettings configured = settings().shards(3).globalConcurrency(5)
			.rateLimit(RateLimit.of(7, Duration.ofSeconds(2)))
			.build();
		assertThat(ShardLayout.shards(configured)).extracting(QueueSettings::globalConcurrency).containsExactly(2, 2, 1);
		assertThat(ShardLayout.shards(configured)).extracting((shard) -> shard.rateLimit().max()).containsExactly(3, 2, 2);
		assertThat(ShardLayout.shards(configured)).allSatisfy(
				(shard) -> assertThat(shard.rateLimit().period()).isEqualTo(Duration.ofSeconds(2)));
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> settings().shards(3).globalConcurrency(2).build())
			.withMessageStartingWith("Queue '" + this.queue + "': global-concurrency is split among the queue's 3 shards, "
					+ "each needing at least 1, so must be 3 or more (or 0 for no limit), was 2");
		assertThatExceptionOfType(InvalidQueueSettingException.class)
			.isThrownBy(() -> settings().shards(3).rateLimit(RateLimit.of(2, Duration.ofSeconds(1))).build())
			.withMessageContaining("rate-limit max is split among the queue's 3 shards");

		QueueSettings settings = settings().shards(3).build();
		QueueOperations operations = operations(settings);
		FlowLimits set = operations.setGlobalConcurrency(this.queue, 4);
		assertThat(set.globalConcurrency()).isEqualTo(4);
		assertThat(set.globalConcurrencySetAtRunTime()).isTrue();
		assertThat(stored(settings, "global-concurrency")).containsExactly("2", "1", "1");
		FlowLimits rate = operations.setRateLimit(this.queue, RateLimit.of(10, Duration.ofSeconds(1)));
		assertThat(rate.rateLimit()).isEqualTo(RateLimit.of(10, Duration.ofSeconds(1)));
		assertThat(stored(settings, "rate-max")).containsExactly("4", "3", "3");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> operations.setGlobalConcurrency(this.queue, 2))
			.withMessageContaining("has shards: 3")
			.withMessageContaining("must be 3 or more (or 0 for none), was 2");
		assertThat(operations.setGlobalConcurrency(this.queue, 0).globalConcurrency()).isZero();
		FlowLimits groups = operations.setGroupConcurrency(this.queue, 2);
		assertThat(groups.groupConcurrency()).as("per group, and a group lives in one shard: not split").isEqualTo(2);
		assertThat(stored(settings, "group-concurrency")).containsExactly("2", "2", "2");
		FlowLimits cleared = operations.clearLimits(this.queue);
		assertThat(cleared.groupConcurrency()).isEqualTo(1);
		assertThat(stored(settings, "group-concurrency")).containsOnlyNulls();
		assertThat(cleared.globalConcurrency()).isZero();
		assertThat(cleared.rateLimit()).isNull();
		assertThat(stored(settings, "global-concurrency")).containsOnlyNulls();
	}

	@Test
	void aGlobalConcurrencyHoldsAcrossShardsAndASlotFreedInAnyShardWakesTheConsumers() {
		// every job in shards 1 and 2, none in shard 0, where idle fetch loops block: only the ring a freed slot
		// sends to shard 0's marker wakes them before their 30 s blocking timeout
		QueueSettings settings = settings().shards(3).globalConcurrency(3).concurrency(4).consumers(2)
			.blockingTimeout(Duration.ofSeconds(30))
			.build();
		ShardRouter router = new ShardRouter(3);
		QueueClient client = client(settings);
		int pushed = 0;
		for (int n = 0; pushed < 24; n++) {
			PushOptions options = PushOptions.now().jobId("job-" + n);
			if (router.shardOf(options) != 0) {
				client.push(this.queue, "n", n, options);
				pushed++;
			}
		}
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		JobHandler<Integer> handler = (n, context) -> {
			most.accumulateAndGet(running.incrementAndGet(), Math::max);
			Thread.sleep(20);
			running.decrementAndGet();
			done.incrementAndGet();
		};
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, handler));
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, handler));
		await().atMost(Duration.ofSeconds(15)).until(() -> done.get() == 24);
		assertThat(most.get()).as("jobs at once; shard 0's share of 1 stays unused").isLessThanOrEqualTo(2);
	}

	@Test
	void aJobThatRunsAgainInAnotherShardWakesTheIdleConsumersAtOnce() throws Exception {
		// jobs in shards 1 and 2 only, where nobody blocks: a retry, a requeue or a thrown failure puts its job
		// back to waiting there, and only the ring sent to shard 0's marker wakes the consumer before its 30 s
		// blocking timeout
		QueueSettings settings = settings().shards(3).retryBackoff(RetryBackoff.fixed(Duration.ZERO))
			.blockingTimeout(Duration.ofSeconds(30))
			.build();
		Map<String, List<Long>> starts = new ConcurrentHashMap<>();
		start(QueueWorker.builder(settings, redis).job("n", String.class, (how, context) -> {
			List<Long> mine = starts.computeIfAbsent(context.id(), (id) -> new CopyOnWriteArrayList<>());
			mine.add(System.nanoTime());
			if (mine.size() == 1) {
				// long enough for the loop to sweep every shard and block: only a ring can find the job again
				Thread.sleep(500);
				switch (how) {
					case "retry" -> context.retry(Duration.ZERO);
					case "requeue" -> context.requeue(Duration.ZERO);
					default -> throw new IllegalStateException("fails once");
				}
			}
		}));
		Thread.sleep(500);
		ShardRouter router = new ShardRouter(3);
		int n = 0;
		for (String how : List.of("retry", "requeue", "throw")) {
			for (int shard = 1; shard < 3; shard++) {
				String id = idIn(router, shard, n++);
				client(settings).push(this.queue, "n", how, PushOptions.now().jobId(id));
				await().atMost(Duration.ofSeconds(10)).until(() -> starts.getOrDefault(id, List.of()).size() == 2);
				List<Long> mine = starts.get(id);
				assertThat(mine.get(1) - mine.get(0)).as(how + " in shard " + shard).isLessThan(5_000_000_000L);
			}
		}
	}

	@Test
	void aRateLimitedShardedQueueLooksAgainWhenItsWindowLetsTheNextStartsThrough() {
		// 18 jobs at 6 per 500 ms (2 per shard): the windows open every 500 ms; a loop that waited for its 30 s
		// blocking timeout after the first window would not finish in time
		QueueSettings settings = settings().shards(3).rateLimit(RateLimit.of(6, Duration.ofMillis(500)))
			.blockingTimeout(Duration.ofSeconds(30))
			.build();
		QueueClient client = client(settings);
		for (int n = 0; n < 18; n++) {
			client.push(this.queue, "n", n);
		}
		AtomicInteger done = new AtomicInteger();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> done.incrementAndGet()));
		await().atMost(Duration.ofSeconds(12)).until(() -> done.get() == 18);
	}

	@Test
	void aShardedQueueLooksAgainWhenAHandlersBackOffEnds() {
		QueueSettings settings = settings().shards(3).blockingTimeout(Duration.ofSeconds(30)).build();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		QueueClient client = client(settings);
		for (int n = 0; n < 6; n++) {
			client.push(this.queue, "n", n);
		}
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			if (calls.incrementAndGet() == 1) {
				context.rateLimited(Duration.ofMillis(500));
				return;
			}
			done.incrementAndGet();
		}));
		await().atMost(Duration.ofSeconds(12)).until(() -> done.get() == 6);
	}

	@Test
	void aHandlersBackOffHoldsEveryShardBack() {
		QueueSettings settings = settings().shards(3).build();
		AtomicInteger calls = new AtomicInteger();
		client(settings).push(this.queue, "n", 1);
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			if (calls.incrementAndGet() == 1) {
				context.rateLimited(Duration.ofSeconds(30));
			}
		}));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> stored(settings, "backoff-until").stream().allMatch(java.util.Objects::nonNull));
		assertThat(operations(settings).limits(this.queue).backoffLeft()).isGreaterThan(Duration.ofSeconds(20));
		for (int n = 2; n < 8; n++) {
			client(settings).push(this.queue, "n", n);
		}
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> calls.get() == 1);
	}

	@Test
	void aShardedQueueRefusesAGuardWhoseKeysLiveInOneSlot() {
		QueueSettings settings = settings().shards(3).build();
		assertThatExceptionOfType(QueueException.class)
			.isThrownBy(() -> client(settings).push(this.queue, "n", 1,
					PushOptions.guardedBy(PushGuard.script("return true").keys(client(settings).guardKey(this.queue, "stock")))))
			.withMessageContaining("has shards: 3");
	}

	private static List<String> stored(QueueSettings settings, String field) {
		return ShardLayout.channels(settings.channel(), settings.shards())
			.stream()
			.map((channel) -> redisCommands().hget(QueueKeys.of(channel).control(), field))
			.toList();
	}

	/** Commands clients sent: scripts and blocking pops (INFO counts the commands a script runs too). */
	private static long processed() {
		String info = redisCommands().info("commandstats");
		long calls = 0;
		for (String line : info.split("\r\n")) {
			if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")
					|| line.startsWith("cmdstat_bzpopmin:")) {
				calls += Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
			}
		}
		return calls;
	}

	private static String idIn(ShardRouter router, int shard) {
		return idIn(router, shard, 0);
	}

	/** The {@code nth} job id (from 0) that the router sends to the shard. */
	private static String idIn(ShardRouter router, int shard, int nth) {
		int found = 0;
		for (int i = 0;; i++) {
			String id = "job-" + i;
			if (router.shardOf(PushOptions.now().jobId(id)) == shard && found++ < nth) {
				continue;
			}
			if (router.shardOf(PushOptions.now().jobId(id)) == shard) {
				return id;
			}
		}
	}

}
