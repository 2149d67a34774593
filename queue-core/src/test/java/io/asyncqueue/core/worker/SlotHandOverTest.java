package io.asyncqueue.core.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.FetchReply;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job that finishes under a global concurrency with no job reserved ahead to take its slot over, while a fetch
 * that reserves more ahead is on its way, keeps the slot for that fetch's first job: the slot never goes back to
 * Redis between the two, so the next job starts without another fetch to give it one.
 */
@EmbeddedRedis
class SlotHandOverTest {

	private static final String STALLED = "{\"reason\":\"stalled\"}";

	private static RedisConnector redis;

	private static ScheduledExecutorService timer;

	private final ExecutorService handlers = Executors.newFixedThreadPool(2);

	private final List<Integer> ran = new CopyOnWriteArrayList<>();

	private final CountDownLatch firstMayFinish = new CountDownLatch(1);

	private QueueSettings settings;

	private QueueScripts scripts;

	private QueueKeys keys;

	private GlobalSlots slots;

	private JobRunner runner;

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

	@AfterEach
	void stopHandlers() {
		this.firstMayFinish.countDown();
		this.handlers.shutdownNow();
	}

	/** One handler, a global concurrency of 1, and jobs 1, 2 waiting; job 1 runs until the test lets it finish. */
	private void start() {
		this.settings = QueueSettings.builder("handover-" + System.nanoTime()).concurrency(1).globalConcurrency(1).build();
		this.scripts = new QueueScripts(redis, this.settings, Runnable::run);
		this.keys = QueueKeys.of(this.settings.channel());
		this.slots = new GlobalSlots(1);
		PrefetchWindow window = new PrefetchWindow(this.settings);
		Settler settler = new Settler(this.settings, this.scripts, timer, 16);
		LeaseKeeper keeper = new LeaseKeeper(this.settings, this.scripts, settler, window, this.slots);
		JobDefinition<Integer> job = JobDefinition.of("n", Integer.class, (n, context) -> {
			this.ran.add(n);
			if (n == 1) {
				this.firstMayFinish.await();
			}
		});
		this.runner = new JobRunner(this.settings, new JobSerializer(), Map.of("n", job), List.of(), keeper, settler,
				new ObserverFanOut(this.settings.name(), List.of()), this.handlers, window, this.slots, () -> true);
		QueueClient client = new QueueClient(redis, new JobSerializer(), Queues.of(this.settings));
		client.push(this.settings.name(), "n", 1);
		client.push(this.settings.name(), "n", 2);
		FetchReply first = fetch(1);
		assertThat(first.slotJobs()).isEqualTo(1);
		this.runner.dispatch(ReservedJob.of(first.jobs().get(0), System.nanoTime(), false));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ran.contains(1));
	}

	/**
	 * Job 1 finishes while a fetch is on its way: it is done, and its settle waits for a job to hand the slot to, so
	 * in Redis it still holds the slot.
	 */
	private void finishTheFirstWithAFetchOnItsWay() {
		start();
		this.runner.fetchComing();
		this.firstMayFinish.countDown();
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
			.until(() -> this.runner.activeJobs() == 0 && reserved() == 1);
	}

	/** A fetch as the fetch loop sends it: with the handlers that no job holding a slot is meant for. */
	private FetchReply fetch(int free) {
		FetchReply reply = RedisFailures
			.join(this.scripts.fetch(1, free, this.slots.held(), this.slots.owner(), List.of(), STALLED));
		this.slots.fetched(reply.slotJobs() != FetchReply.NO_SLOTS, reply.contended());
		this.slots.granted((reply.slotJobs() == FetchReply.NO_SLOTS) ? reply.jobs().size() : reply.slotJobs());
		return reply;
	}

	@Test
	void aFinishedJobKeepsItsSlotForTheJobAFetchOnItsWayReservesAhead() throws Exception {
		finishTheFirstWithAFetchOnItsWay();
		FetchReply next = fetch(0);
		assertThat(next.slotJobs()).as("every slot is held: job 2 is reserved ahead").isZero();
		assertThat(next.jobs()).hasSize(1);
		this.runner.dispatch(ReservedJob.of(next.jobs().get(0), System.nanoTime(), true));
		this.runner.fetchOver();
		// job 2 starts with no further fetch to give it a slot: job 1's settle handed it over
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ran.size() == 2 && reserved() == 0);
		assertThat(this.ran).containsExactly(1, 2);
		assertThat(redis.commands().zcard(this.keys.ahead()).get()).isZero();
		assertThat(this.slots.held()).as("job 2's slot, given back with its own settle").isZero();
	}

	@Test
	void aKeptSlotGoesBackToRedisWhenTheFetchOnItsWayBringsNoJob() throws Exception {
		finishTheFirstWithAFetchOnItsWay();
		// the fetch went elsewhere (another instance took job 2, a limit held it back): nothing to hand the slot to
		this.runner.fetchOver();
		await().atMost(Duration.ofSeconds(5)).until(() -> reserved() == 0);
		assertThat(this.slots.held()).isZero();
		assertThat(redis.commands().llen(this.keys.waiting()).get()).as("job 2 still waits").isEqualTo(1);
	}

	@Test
	void aWorkerThatStopsGivesItsKeptSlotsBackWithoutWaitingForTheFetch() throws Exception {
		finishTheFirstWithAFetchOnItsWay();
		// the fetch loop is stuck in a call to Redis: the stop does not wait for it
		this.runner.releaseKeptSlots();
		await().atMost(Duration.ofSeconds(5)).until(() -> reserved() == 0);
		assertThat(this.slots.held()).isZero();
		this.runner.fetchOver();
		assertThat(this.slots.held()).as("nothing given back twice").isZero();
	}

	@Test
	void withNoFetchOnItsWayAFinishedJobGivesItsSlotBackAtOnce() throws Exception {
		start();
		this.firstMayFinish.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> reserved() == 0);
		assertThat(this.slots.held()).isZero();
	}

	@Test
	void aSlotIsNotKeptWhileAnotherConsumerWaitsForOne() throws Exception {
		start();
		// another instance found the limit full: the next fetch says so
		redis.commands().hset(this.keys.control(), "slot-wanted", "another-instance").get(5, TimeUnit.SECONDS);
		fetch(0);
		this.runner.fetchComing();
		this.firstMayFinish.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> reserved() == 0);
		assertThat(this.slots.held()).isZero();
		assertThat(redis.commands().hget(this.keys.control(), "slot-wanted").get())
			.as("the freed slot woke the consumer waiting for it").isNull();
		this.runner.fetchOver();
	}

	private long reserved() throws Exception {
		return redis.commands().zcard(this.keys.reserved()).get(5, TimeUnit.SECONDS);
	}

}
