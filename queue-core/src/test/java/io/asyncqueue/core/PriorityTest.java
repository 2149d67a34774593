package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Priorities against a real redis-server: higher first, FIFO within one, kept through delays, retries, releases and
 * recovered leases, counted and operated on as waiting, and free for a queue that never uses them.
 */
class PriorityTest extends RedisTestSupport {

	private static final String STALLED = "{\"reason\":\"stalled\"}";

	private QueueScripts scripts;

	private QueueClient client;

	@Test
	void higherPriorityRunsFirstAndFifoWithinOne() {
		use(settings().build());
		String plain1 = push("plain1", 0);
		String five1 = push("five1", 5);
		String one = push("one", 1);
		String five2 = push("five2", 5);
		String top = push("top", PushOptions.MAX_PRIORITY);
		String plain2 = push("plain2", 0);
		String five3 = push("five3", 5);
		assertThat(fetch(3)).containsExactly(top, five1, five2);
		assertThat(fetch(10)).as("the batch crosses from the priorities to the plain list")
			.containsExactly(five3, one, plain1, plain2);
	}

	@Test
	void aWorkerRunsTheHighestPriorityFirstAndSeesIt() {
		QueueSettings settings = use(settings().concurrency(1).prefetch(0).build());
		push("low", 0);
		push("high", 7);
		List<String> ran = new CopyOnWriteArrayList<>();
		List<Integer> priorities = new CopyOnWriteArrayList<>();
		start(QueueWorker.builder(settings, redis).job("j", String.class, (payload, context) -> ran.add(payload))
			.observer(new QueueObserver() {
				@Override
				public void beforeHandle(JobInfo job) {
					priorities.add(job.priority());
				}
			}));
		await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
		assertThat(ran).containsExactly("high", "low");
		assertThat(priorities).containsExactly(7, 0);
	}

	@Test
	void aDelayedJobKeepsItsPriorityWhenItFallsDue() throws InterruptedException {
		use(settings().build());
		String plain = push("plain", 0);
		String later = this.client.push(this.queue, "j", "later", PushOptions.delay(Duration.ofMillis(100)).withPriority(3)).id();
		Thread.sleep(150);
		assertThat(fetch(5)).containsExactly(later, plain);
	}

	@Test
	void retriedAndReleasedJobsKeepTheirPriority() {
		use(settings().build());
		String first = push("first", 2);
		String second = push("second", 2);
		String plain = push("plain", 0);
		FetchedJob job = fetchOne();
		assertThat(job.id()).isEqualTo(first);
		QueueClient.join(this.scripts.settle(SettleRecord.release(first, job.token())));
		assertThat(fetch(5)).as("released to the head of its priority").containsExactly(first, second, plain);

		String again = push("again", 2);
		String other = push("other", 0);
		List<FetchedJob> running = QueueClient.join(this.scripts.fetch(1, STALLED)).jobs();
		assertThat(running).extracting(FetchedJob::id).containsExactly(again);
		QueueClient.join(this.scripts.settle(SettleRecord.retry(again, running.get(0).token(), 0, "{}")));
		assertThat(fetch(5)).as("retried ahead of the plain jobs").containsExactly(again, other);
	}

	@Test
	void aRecoveredLeaseKeepsItsPriority() throws InterruptedException {
		use(settings().leaseDuration(Duration.ofMillis(300)).build());
		String plain = push("plain", 0);
		String first = push("first", 4);
		String second = push("second", 4);
		assertThat(fetch(1)).containsExactly(first);
		Thread.sleep(350);
		assertThat(fetch(5)).as("back at the head of its priority").containsExactly(first, second, plain);
	}

	@Test
	void countsReloadDeleteAndFlushTreatPrioritisedJobsAsWaiting() {
		QueueSettings settings = use(settings().build());
		QueueOperations operations = operations(settings);
		String failing = push("failing", 9);
		FetchedJob job = fetchOne();
		QueueClient.join(this.scripts.settle(SettleRecord.fail(failing, job.token(), "{}", null)));
		String kept = push("kept", 1);
		String deleted = push("deleted", 1);
		push("plain", 0);
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(3);
		assertThat(operations.oldestWaitingPushedAt(this.queue)).isNotNull();

		assertThat(operations.delete(this.queue, deleted)).isTrue();
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(2);
		assertThat(redisCommands().hexists(keys(settings).jobs(), deleted)).isFalse();

		assertThat(operations.reloadAll(this.queue, JobState.FAILED).moved()).isEqualTo(1);
		assertThat(operations.counts(this.queue).waiting()).isEqualTo(3);
		assertThat(fetch(1)).as("a reloaded job keeps its priority").containsExactly(failing);

		assertThat(operations.flush(this.queue, JobState.WAITING)).isEqualTo(2);
		assertThat(operations.counts(this.queue).waiting()).isZero();
		assertThat(redisCommands().exists(keys(settings).prioritized())).isZero();
		assertThat(redisCommands().hexists(keys(settings).jobs(), kept)).isFalse();
		assertThat(operations.oldestWaitingPushedAt(this.queue)).isNull();
	}

	@Test
	void pauseAndFlowLimitsHoldPrioritisedJobsBackToo() {
		use(settings().build());
		String plain = push("plain", 0);
		String first = push("first", 8);
		String second = push("second", 8);
		QueueClient.join(this.scripts.control(QueueScripts.Switch.PAUSED, true));
		assertThat(fetch(5)).as("paused").isEmpty();
		QueueClient.join(this.scripts.control(QueueScripts.Switch.PAUSED, false));
		QueueClient.join(this.scripts.limits(Map.of("global-concurrency", "1")));
		assertThat(fetch(5)).as("one slot").containsExactly(first);
		assertThat(fetch(5)).as("no slot free").isEmpty();
		QueueClient.join(this.scripts.limits(Map.of("global-concurrency", "", "rate-max", "1", "rate-period", "60000")));
		assertThat(fetch(5)).as("one start a minute").containsExactly(second);
		assertThat(fetch(5)).as("the minute's start is taken").isEmpty();
		QueueClient.join(this.scripts.limits(Map.of("rate-max", "", "rate-period", "")));
		assertThat(fetch(5)).containsExactly(plain);
	}

	@Test
	void aQueueWithoutPrioritiesRunsTheSameCommandsAsBefore() {
		// what one push, fetch and ack cost before priorities existed, counted the same way on that code
		Map<String, Long> before = new TreeMap<>(Map.ofEntries(Map.entry("evalsha", 3L), Map.entry("exists", 2L),
				Map.entry("hdel", 3L), Map.entry("hexists", 1L), Map.entry("hincrby", 2L), Map.entry("hmget", 4L),
				Map.entry("hset", 1L), Map.entry("hsetnx", 1L), Map.entry("incr", 1L), Map.entry("llen", 1L),
				Map.entry("lpop", 1L), Map.entry("rpush", 1L), Map.entry("time", 3L), Map.entry("zadd", 2L),
				Map.entry("zmscore", 1L), Map.entry("zrange", 2L), Map.entry("zrem", 1L)));
		assertThat(cycle(settings().build(), 0)).isEqualTo(before);
		assertThat(cycle(QueueSettings.builder(this.queue + "-prioritised").build(), 5))
			.as("the count tells the paths apart")
			.containsKey("zpopmin")
			.isNotEqualTo(before);
	}

	@Test
	void theEnvelopeCarriesThePriorityOnlyWhenThereIsOne() {
		String prioritised = this.serializer.serialize("j", "p", Instant.EPOCH, PushOptions.priority(3));
		assertThat(this.serializer.deserialize(prioritised).priority()).isEqualTo(3);
		String plain = this.serializer.serialize("j", "p", Instant.EPOCH, PushOptions.now());
		assertThat(plain).doesNotContain("priority");
		assertThat(this.serializer.deserialize(plain).priority()).isZero();
	}

	@Test
	void aPriorityOutOfRangeIsRefusedNamingTheRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> PushOptions.priority(1001))
			.withMessageStartingWith("priority must be between 0 and 1000");
		assertThatIllegalArgumentException().isThrownBy(() -> PushOptions.priority(-1))
			.withMessageContaining("was -1");
	}

	/** The commands one push, fetch and ack of a warmed-up queue send to Redis, scripts' own included. */
	private Map<String, Long> cycle(QueueSettings settings, int priority) {
		QueueClient client = new QueueClient(redis, this.serializer, Queues.of(settings));
		QueueScripts scripts = scripts(settings);
		for (int round = 0; round < 2; round++) {
			if (round == 1) {
				redisCommands().configResetstat();
			}
			client.push(settings.name(), "j", "p", PushOptions.priority(priority));
			FetchedJob job = QueueClient.join(scripts.fetch(1, STALLED)).jobs().get(0);
			QueueClient.join(scripts.settle(SettleRecord.ack(job.id(), job.token(), null)));
		}
		Map<String, Long> calls = new TreeMap<>();
		for (String line : redisCommands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_config")) {
				calls.put(line.substring(8, line.indexOf(':')),
						Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1")));
			}
		}
		return calls;
	}

	/** Pushes and fetches of the test go to this queue. */
	private QueueSettings use(QueueSettings settings) {
		this.scripts = scripts(settings);
		this.client = client(settings);
		return settings;
	}

	private String push(String payload, int priority) {
		return this.client.push(this.queue, "j", payload, PushOptions.priority(priority)).id();
	}

	private List<String> fetch(int count) {
		return QueueClient.join(this.scripts.fetch(count, STALLED)).jobs().stream().map(FetchedJob::id).toList();
	}

	private FetchedJob fetchOne() {
		return QueueClient.join(this.scripts.fetch(1, STALLED)).jobs().get(0);
	}

}
