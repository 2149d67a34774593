package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.scripts.FetchReply;
import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Limits that hold across every instance of a queue: global concurrency, rate limit and a handler's
 * back-off. Several workers in one JVM stand for several instances: they share nothing but Redis.
 */
class FlowControlTest extends RedisTestSupport {

	private static final String STALLED = "{\"reason\":\"stalled\"}";

	@Test
	void globalConcurrencyHoldsAcrossWorkers() {
		QueueSettings settings = settings().concurrency(4).consumers(2).globalConcurrency(2).build();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				Thread.sleep(10);
				running.decrementAndGet();
				done.incrementAndGet();
			}));
		}
		client(settings).pushAll(this.queue, IntStream.range(0, 90).mapToObj((n) -> PushRequest.of("n", n)).toList());
		await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == 90);
		assertThat(most.get()).as("3 workers of 4 handlers each, limited to 2 at once").isEqualTo(2);
	}

	@Test
	void aFullQueueReservesNothingUntilASettleOrAnExpiredLeaseFreesASlot() {
		QueueSettings settings = settings().globalConcurrency(2).leaseDuration(Duration.ofMillis(500)).build();
		QueueScripts scripts = scripts(settings);
		client(settings).pushAll(this.queue, IntStream.range(0, 5).mapToObj((n) -> PushRequest.of("n", n)).toList());
		FetchReply filled = QueueClient.join(scripts.fetch(10, STALLED));
		List<FetchedJob> held = filled.jobs();
		assertThat(held).as("no more than the global concurrency, however many are asked for").hasSize(2);
		assertThat(filled.wakeInMillis()).as("a backlog: the caller looks again as its jobs free their slots").isZero();
		redisCommands().del(scripts.keys().marker());
		FetchReply full = QueueClient.join(scripts.fetch(10, STALLED));
		assertThat(full.jobs()).isEmpty();
		assertThat(full.wakeInMillis()).as("the earliest lease").isBetween(1L, 500L);
		assertThat(redisCommands().zcard(scripts.keys().marker())).as("nobody else is woken").isZero();
		// a settle frees a slot: one signal for one consumer, and that consumer gets the slot
		QueueClient.join(scripts.settle(SettleRecord.ack(held.get(0).id(), held.get(0).token(), null)));
		assertThat(redisCommands().zcard(scripts.keys().marker())).isEqualTo(1);
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).hasSize(1);
		// an instance killed while holding slots: they come back when its leases expire
		// (a fetch of 0 jobs only recovers expired leases)
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			QueueClient.join(scripts.fetch(0, STALLED));
			return redisCommands().zcard(scripts.keys().reserved()) == 0;
		});
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).hasSize(2);
		assertThat(redisCommands().zcard(scripts.keys().reserved())).isEqualTo(2);
	}

	@Test
	void consumersWaitingForASlotCostNothingWhileItIsHeld() throws Exception {
		// blocking timeouts as long as the leases: what is left is what the limit costs
		QueueSettings settings = settings().concurrency(2).consumers(2).globalConcurrency(1)
			.blockingTimeout(Duration.ofSeconds(30)).build();
		CountDownLatch first = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger done = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
				first.countDown();
				release.await();
				done.incrementAndGet();
			}));
		}
		client(settings).pushAll(this.queue, IntStream.range(0, 6).mapToObj((n) -> PushRequest.of("n", n)).toList());
		assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(300);
		long before = scriptCalls();
		Thread.sleep(2000);
		assertThat(scriptCalls() - before).as("6 consumers blocked on a full queue for 2 s").isLessThanOrEqualTo(2);
		release.countDown();
		await().atMost(Duration.ofSeconds(20)).until(() -> done.get() == 6);
	}

	@Test
	void anIdleQueueWithAGlobalConcurrencyCostsOneCommandMoreThanAnUnlimitedOne() throws Exception {
		// more handlers than the limit: the fetch asks for more slots than it can ever get, which is no wait for one
		QueueSettings limited = settings().concurrency(10).globalConcurrency(8).blockingTimeout(Duration.ofMillis(500))
			.build();
		start(QueueWorker.builder(limited, redis).job("n", Integer.class, (n, context) -> {
		}));
		Thread.sleep(700);
		Map<String, Long> before = commandCalls();
		Thread.sleep(2_000);
		Map<String, Long> after = commandCalls();
		Map<String, Long> delta = new java.util.TreeMap<>();
		after.forEach((command, calls) -> {
			long added = calls - before.getOrDefault(command, 0L);
			if (added > 0 && !command.equals("info")) {
				delta.put(command, added);
			}
		});
		long fetches = delta.getOrDefault("evalsha", 0L);
		assertThat(fetches).as("idle fetches in 2 s, one per blocking timeout").isBetween(3L, 5L);
		assertThat(delta).as("per idle fetch: what an unlimited queue runs, and the reserved set's ZCARD")
			.containsOnlyKeys("bzpopmin", "evalsha", "hmget", "lpop", "time", "zrange", "zcard");
		assertThat(delta.get("zcard")).isEqualTo(fetches);
	}

	@Test
	void aRateLimitLetsMaxStartsThroughPerWindowAndSaysWhenTheNextIsDue() {
		QueueSettings settings = settings().rateLimit(RateLimit.of(2, Duration.ofSeconds(2))).build();
		QueueScripts scripts = scripts(settings);
		client(settings).pushAll(this.queue, IntStream.range(0, 3).mapToObj((n) -> PushRequest.of("n", n)).toList());
		FetchReply first = QueueClient.join(scripts.fetch(10, STALLED));
		assertThat(first.jobs()).as("max, however many are asked for").hasSize(2);
		assertThat(first.limitWakeInMillis()).as("when the first start leaves the window").isBetween(1L, 2000L);
		FetchReply next = QueueClient.join(scripts.fetch(10, STALLED));
		assertThat(next.jobs()).isEmpty();
		assertThat(next.limitWakeInMillis()).isBetween(1L, 2000L);
		assertThat(redisCommands().zcard(scripts.keys().rate())).as("the log of the window's starts").isEqualTo(2);
	}

	@Test
	void aRateLimitedQueueWithNothingWaitingIsNotWokenWhenItsWindowDrains() {
		QueueSettings settings = settings().rateLimit(RateLimit.of(2, Duration.ofSeconds(2))).build();
		QueueScripts scripts = scripts(settings);
		client(settings).pushAll(this.queue, IntStream.range(0, 2).mapToObj((n) -> PushRequest.of("n", n)).toList());
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).hasSize(2);
		FetchReply idle = QueueClient.join(scripts.fetch(10, STALLED));
		assertThat(idle.jobs()).isEmpty();
		assertThat(idle.limitWakeInMillis()).as("a push signals it").isEqualTo(FetchReply.NOTHING_SCHEDULED);
	}

	@Test
	void noWindowOfTheRateLimitsPeriodHoldsMoreThanItsMaxStarts() throws Exception {
		RateLimit limit = RateLimit.of(40, Duration.ofMillis(500));
		QueueSettings settings = settings().rateLimit(limit).build();
		client(settings).pushAll(this.queue, IntStream.range(0, 100).mapToObj((n) -> PushRequest.of("n", n)).toList());
		// fetches from three threads at once: a start happened somewhere between a fetch's call and its reply.
		// Both are read from Redis's clock, the one the log keeps its starts by: the JVM's monotonic clock and the
		// host's wall clock drift apart when the host's time is stepped or slewed (seen once on a CI host).
		List<long[]> starts = new CopyOnWriteArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			QueueScripts scripts = scripts(settings);
			Thread thread = new Thread(() -> {
				while (starts.size() < 100) {
					long calledAt = redisNanos();
					int got = QueueClient.join(scripts.fetch(10, STALLED)).jobs().size();
					long answeredAt = redisNanos();
					for (int i = 0; i < got; i++) {
						starts.add(new long[] { calledAt, answeredAt });
					}
					if (got == 0) {
						sleep(2);
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(30_000);
		}
		assertThat(starts).hasSize(100);
		long period = limit.period().toNanos();
		for (long[] anchor : starts) {
			// the starts certainly inside the window that opens when this one's fetch was called
			long certainlyInside = starts.stream()
				.filter((start) -> start[0] >= anchor[0] && start[1] < anchor[0] + period)
				.count();
			assertThat(certainlyInside).isLessThanOrEqualTo(limit.max());
		}
		List<Long> answered = new ArrayList<>(starts.stream().map((start) -> start[1]).toList());
		List<Long> called = new ArrayList<>(starts.stream().map((start) -> start[0]).toList());
		Collections.sort(answered);
		Collections.sort(called);
		assertThat(answered.get(99) - called.get(0)).as("100 starts of at most 40 per window span 2 windows")
			.isGreaterThanOrEqualTo(2 * limit.period().toNanos());
	}

	@Test
	void aRateLimitedHandlerBacksTheWholeQueueOffWithoutUsingAnAttempt() {
		// a job already reserved ahead is not recalled by a back-off: none is, here
		QueueSettings settings = settings().concurrency(1).prefetch(0).build();
		List<String> runs = new CopyOnWriteArrayList<>();
		List<Long> startedAt = new CopyOnWriteArrayList<>();
		long[] backedOffAt = new long[1];
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			runs.add(n + "@" + context.attempt());
			startedAt.add(System.nanoTime());
			if (n == 1 && runs.size() == 1) {
				backedOffAt[0] = System.nanoTime();
				context.rateLimited(Duration.ofMillis(400));
			}
		}));
		client(settings).pushAll(this.queue, List.of(PushRequest.of("n", 1), PushRequest.of("n", 2)));
		await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() == 3);
		assertThat(runs).as("back at the head of waiting, its attempt given back").containsExactly("1@1", "1@1", "2@1");
		assertThat(startedAt.get(1) - backedOffAt[0]).as("nothing starts during the back-off")
			.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
	}

	@Test
	void limitsSetAtRunTimeOverrideTheConfigurationAtTheNextFetchUntilCleared() {
		QueueSettings settings = settings().build();
		QueueScripts scripts = scripts(settings);
		QueueOperations operations = operations(settings);
		client(settings).pushAll(this.queue, IntStream.range(0, 6).mapToObj((n) -> PushRequest.of("n", n)).toList());
		FlowLimits limited = operations.setGlobalConcurrency(this.queue, 2);
		assertThat(limited.globalConcurrency()).isEqualTo(2);
		assertThat(limited.globalConcurrencySetAtRunTime()).isTrue();
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).hasSize(2);
		assertThat(operations.limits(this.queue).running()).isEqualTo(2);
		assertThat(operations.limits(this.queue).freeSlots()).isZero();
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).isEmpty();
		redisCommands().del(scripts.keys().marker());
		operations.setGlobalConcurrency(this.queue, 3);
		assertThat(redisCommands().zcard(scripts.keys().marker())).as("a raised limit wakes a consumer").isEqualTo(1);
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).hasSize(1);
		FlowLimits rate = operations.setRateLimit(this.queue, RateLimit.of(1, Duration.ofMinutes(1)));
		assertThat(rate.rateLimit()).isEqualTo(RateLimit.of(1, Duration.ofMinutes(1)));
		FlowLimits cleared = operations.clearLimits(this.queue);
		assertThat(cleared.globalConcurrency()).as("the configuration again: none").isZero();
		assertThat(cleared.globalConcurrencySetAtRunTime()).isFalse();
		assertThat(cleared.rateLimit()).isNull();
		assertThat(QueueClient.join(scripts.fetch(10, STALLED)).jobs()).hasSize(3);
	}

	@Test
	void invalidLimitsAreRefusedNamingTheFix() {
		assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> settings().globalConcurrency(-1).build()))
			.isInstanceOf(InvalidQueueSettingException.class)
			.hasMessageContaining("global-concurrency must be zero (no limit across instances) or positive, was -1");
		assertThat(org.assertj.core.api.Assertions
			.catchThrowable(() -> settings().rateLimit(RateLimit.of(10, Duration.ZERO)).build()))
			.hasMessageContaining("rate-limit period must be at least 1ms");
		assertThat(org.assertj.core.api.Assertions.catchThrowable(
				() -> operations(settings().build()).setRateLimit(this.queue, RateLimit.of(0, Duration.ofSeconds(1)))))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("Invalid rate limit: max must be at least 1, was 0");
	}

	@Test
	void prefetchDefaultsToTheConcurrencyExceptWhereAJobReservedAheadWouldCountAgainstALimit() {
		assertThat(settings().globalConcurrency(3).build().prefetch()).isEqualTo(QueueSettings.DEFAULT_CONCURRENCY);
		assertThat(settings().globalConcurrency(3).build().prefetchAdapts()).isTrue();
		assertThat(settings().globalConcurrency(3).shards(2).build().prefetch()).isZero();
		assertThat(settings().rateLimit(RateLimit.of(5, Duration.ofSeconds(1))).build().prefetch()).isZero();
		assertThat(settings().globalConcurrency(3).prefetch(2).build().prefetch()).isEqualTo(2);
		assertThat(settings().build().prefetch()).isEqualTo(QueueSettings.DEFAULT_CONCURRENCY);
	}

	@Test
	void jobsReservedAheadHoldNoSlotUntilAFinishingJobOfTheSameWorkerHandsItsSlotOver() {
		QueueSettings settings = settings().globalConcurrency(2).build();
		QueueScripts scripts = scripts(settings);
		QueueKeys keys = scripts.keys();
		client(settings).pushAll(this.queue, IntStream.range(0, 10).mapToObj((n) -> PushRequest.of("n", n)).toList());
		// worker A: 2 free handlers, asks for 6: 2 hold the slots, 4 are reserved ahead
		FetchReply a = QueueClient.join(scripts.fetch(6, 2, 0, "A", List.of(), STALLED));
		assertThat(a.jobs()).hasSize(6);
		assertThat(a.slotJobs()).isEqualTo(2);
		assertThat(a.contended()).isFalse();
		assertThat(redisCommands().zcard(keys.ahead())).isEqualTo(4);
		// worker B finds both slots taken: nothing for it, not even ahead (it would hold no slot to start them in)
		redisCommands().del(keys.marker());
		FetchReply b = QueueClient.join(scripts.fetch(4, 4, 0, "B", List.of(), STALLED));
		assertThat(b.jobs()).isEmpty();
		assertThat(b.slotJobs()).isZero();
		// A's first job hands its slot to its first job reserved ahead: no slot is freed, nobody is woken
		FetchedJob first = a.jobs().get(0);
		FetchedJob next = a.jobs().get(2);
		QueueClient.join(scripts.settle(SettleRecord.ack(first.id(), first.token(), null).handingSlotTo(next.id(),
				next.token())));
		assertThat(redisCommands().zcard(keys.ahead())).isEqualTo(3);
		assertThat(redisCommands().zcard(keys.reserved()) - redisCommands().zcard(keys.ahead()))
			.as("running: still the global concurrency").isEqualTo(2);
		assertThat(redisCommands().zcard(keys.marker())).isZero();
		// A hears that B waits: it hands no more slots on and puts back what it reserved ahead
		assertThat(QueueClient.join(scripts.fetch(1, 0, 2, "A", List.of(), STALLED)).contended()).isTrue();
		List<SettleRecord> putBack = new ArrayList<>();
		for (int i = 5; i >= 3; i--) {
			// each release goes to the head of waiting: the last first keeps their order
			putBack.add(SettleRecord.release(a.jobs().get(i).id(), a.jobs().get(i).token()).reservedAhead());
		}
		QueueClient.join(scripts.settleAll(putBack));
		assertThat(redisCommands().zcard(keys.ahead())).isZero();
		assertThat(redisCommands().hget(keys.control(), "slot-wanted")).as("a job reserved ahead frees no slot: B still waits")
			.isEqualTo("B");
		redisCommands().del(keys.marker());
		// the next job of A that ends frees its slot: B is woken, and gets it
		FetchedJob second = a.jobs().get(1);
		QueueClient.join(scripts.settle(SettleRecord.ack(second.id(), second.token(), null)));
		assertThat(redisCommands().zcard(keys.marker())).isEqualTo(1);
		FetchReply woken = QueueClient.join(scripts.fetch(4, 4, 0, "B", List.of(), STALLED));
		assertThat(woken.jobs()).hasSize(1);
		assertThat(woken.jobs().get(0).id()).as("the jobs A put back come first").isEqualTo(a.jobs().get(3).id());
	}

	@Test
	void aJobStartedInAHandedSlotWhoseOwnSettleLandsFirstIsNeverCountedTwiceOrLost() {
		QueueSettings settings = settings().globalConcurrency(1).build();
		QueueScripts scripts = scripts(settings);
		QueueKeys keys = scripts.keys();
		client(settings).pushAll(this.queue, IntStream.range(0, 4).mapToObj((n) -> PushRequest.of("n", n)).toList());
		List<FetchedJob> jobs = QueueClient.join(scripts.fetch(2, 1, 0, "A", List.of(), STALLED)).jobs();
		FetchedJob holder = jobs.get(0);
		FetchedJob ahead = jobs.get(1);
		// the job started in the holder's slot ends, and its ack reaches Redis before the holder's settle
		QueueClient.join(scripts.settle(SettleRecord.ack(ahead.id(), ahead.token(), null).reservedAhead()));
		assertThat(running(keys)).as("the holder still counts; the ahead job never did").isEqualTo(1);
		QueueClient.join(scripts.settle(SettleRecord.ack(holder.id(), holder.token(), null).handingSlotTo(ahead.id(),
				ahead.token())));
		assertThat(running(keys)).isZero();
		assertThat(redisCommands().zcard(keys.ahead())).isZero();
		assertThat(QueueClient.join(scripts.fetch(1, 1, 0, "A", List.of(), STALLED)).slotJobs())
			.as("the slot is free again").isEqualTo(1);
	}

	@Test
	void jobsReservedAheadThatNoFinishingJobTookGetASlotFromTheNextFetchBeforeNewJobs() {
		QueueSettings settings = settings().globalConcurrency(2).build();
		QueueScripts scripts = scripts(settings);
		QueueKeys keys = scripts.keys();
		client(settings).pushAll(this.queue, IntStream.range(0, 6).mapToObj((n) -> PushRequest.of("n", n)).toList());
		List<FetchedJob> jobs = QueueClient.join(scripts.fetch(4, 2, 0, "A", List.of(), STALLED)).jobs();
		for (FetchedJob job : jobs.subList(0, 2)) {
			QueueClient.join(scripts.settle(SettleRecord.ack(job.id(), job.token(), null)));
		}
		List<io.asyncqueue.core.scripts.Lease> waiting = jobs.subList(2, 4).stream()
			.map((job) -> new io.asyncqueue.core.scripts.Lease(job.id(), job.token())).toList();
		FetchReply reply = QueueClient.join(scripts.fetch(2, 2, 0, "A", waiting, STALLED));
		assertThat(reply.promoted()).containsExactly(jobs.get(2).id(), jobs.get(3).id());
		assertThat(reply.slotJobs()).as("no slot left for a new job").isZero();
		assertThat(running(keys)).isEqualTo(2);
		assertThat(redisCommands().zcard(keys.ahead())).as("the new jobs wait ahead").isEqualTo(2);
		// that reply lost: the worker names the same jobs again; they count already, so they start without a slot
		FetchReply again = QueueClient.join(scripts.fetch(0, 2, 0, "A", waiting, STALLED));
		assertThat(again.promoted()).containsExactly(jobs.get(2).id(), jobs.get(3).id());
		assertThat(running(keys)).isEqualTo(2);
	}

	@Test
	void aLimitLoweredAtRunTimeBelowTheRunningJobsStopsTheHandOver() {
		QueueSettings settings = settings().globalConcurrency(3).build();
		QueueScripts scripts = scripts(settings);
		client(settings).pushAll(this.queue, IntStream.range(0, 10).mapToObj((n) -> PushRequest.of("n", n)).toList());
		assertThat(QueueClient.join(scripts.fetch(6, 3, 0, "A", List.of(), STALLED)).slotJobs()).isEqualTo(3);
		scripts.limits(java.util.Map.of("global-concurrency", "1")).join();
		FetchReply over = QueueClient.join(scripts.fetch(2, 0, 3, "A", List.of(), STALLED));
		assertThat(over.contended()).as("3 running against a limit of 1").isTrue();
		assertThat(over.jobs()).as("nothing ahead").isEmpty();
	}

	@Test
	void aWorkerReservesAheadUnderAGlobalConcurrencyAndStillNeverRunsMoreThanIt() {
		QueueSettings settings = settings().concurrency(4).globalConcurrency(4).build();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		AtomicInteger mostAhead = new AtomicInteger();
		QueueKeys keys = keys(settings);
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
			most.accumulateAndGet(running.incrementAndGet(), Math::max);
			Thread.sleep(1);
			running.decrementAndGet();
			done.incrementAndGet();
		}));
		client(settings).pushAll(this.queue, IntStream.range(0, 600).mapToObj((n) -> PushRequest.of("n", n)).toList());
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
			mostAhead.accumulateAndGet(redisCommands().zcard(keys.ahead()).intValue(), Math::max);
			return done.get() == 600;
		});
		assertThat(most.get()).isLessThanOrEqualTo(4);
		assertThat(mostAhead.get()).as("jobs were reserved ahead of the handlers").isPositive();
		await().atMost(Duration.ofSeconds(5)).until(() -> redisCommands().zcard(keys.reserved()) == 0);
		assertThat(redisCommands().zcard(keys.ahead())).isZero();
	}

	@Test
	void workersThatReserveAheadShareTheGlobalConcurrencyAndNeverExceedIt() {
		QueueSettings settings = settings().concurrency(4).consumers(2).globalConcurrency(4).build();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		List<AtomicInteger> ran = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			AtomicInteger mine = new AtomicInteger();
			ran.add(mine);
			start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> {
				most.accumulateAndGet(running.incrementAndGet(), Math::max);
				Thread.sleep(2);
				running.decrementAndGet();
				mine.incrementAndGet();
			}));
		}
		client(settings).pushAll(this.queue, IntStream.range(0, 600).mapToObj((n) -> PushRequest.of("n", n)).toList());
		await().atMost(Duration.ofSeconds(60)).until(() -> ran.stream().mapToInt(AtomicInteger::get).sum() == 600);
		assertThat(most.get()).as("3 workers of 4 handlers each, limited to 4 at once").isLessThanOrEqualTo(4);
		assertThat(ran).as("every worker got slots").allSatisfy((count) -> assertThat(count.get()).isPositive());
		await().atMost(Duration.ofSeconds(5)).until(() -> redisCommands().zcard(keys(settings).reserved()) == 0);
		assertThat(redisCommands().zcard(keys(settings).ahead())).isZero();
	}

	@Test
	void anIdleInstanceGetsSlotsWhileAnotherHandsItsSlotsFromJobToJob() {
		// a blocking timeout far longer than the drain: the idle instance must be woken, not time out into a fetch
		QueueSettings settings = settings().concurrency(4).globalConcurrency(4).blockingTimeout(Duration.ofSeconds(30))
			.build();
		AtomicInteger first = new AtomicInteger();
		AtomicInteger second = new AtomicInteger();
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> first.incrementAndGet()));
		start(QueueWorker.builder(settings, redis).job("n", Integer.class, (n, context) -> second.incrementAndGet()));
		client(settings).pushAll(this.queue, IntStream.range(0, 20_000).mapToObj((n) -> PushRequest.of("n", n)).toList());
		await().atMost(Duration.ofSeconds(60)).until(() -> first.get() + second.get() == 20_000);
		assertThat(first.get()).as("the first instance ran jobs").isPositive();
		assertThat(second.get()).as("the second instance ran jobs").isPositive();
	}

	@Test
	void aWorkerStoppedInTheMiddleOfALimitedDrainLosesNoJobAndLeavesNothingReserved() {
		QueueSettings settings = settings().concurrency(4).globalConcurrency(4).build();
		AtomicInteger done = new AtomicInteger();
		QueueWorker worker = start(QueueWorker.builder(settings, redis).job("n", Integer.class,
				(n, context) -> done.incrementAndGet()));
		client(settings).pushAll(this.queue, IntStream.range(0, 20_000).mapToObj((n) -> PushRequest.of("n", n)).toList());
		await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= 2_000);
		// jobs finishing now keep their slots for the fetch on its way, or hand them to jobs reserved ahead
		worker.stop(Duration.ofSeconds(10));
		QueueKeys keys = keys(settings);
		assertThat(redisCommands().zcard(keys.reserved())).isZero();
		assertThat(redisCommands().zcard(keys.ahead())).isZero();
		assertThat(done.get() + redisCommands().llen(keys.waiting()))
			.as("every job ran once or waits, none lost with a settle kept at the stop").isEqualTo(20_000);
	}

	/** Jobs counted against the global concurrency: reserved, less those reserved ahead. */
	private static long running(QueueKeys keys) {
		return redisCommands().zcard(keys.reserved()) - redisCommands().zcard(keys.ahead());
	}

	/** Redis's clock ({@code TIME}), in ns. */
	private static long redisNanos() {
		List<String> time = redisCommands().time();
		return Long.parseLong(time.get(0)) * 1_000_000_000L + Long.parseLong(time.get(1)) * 1_000L;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Calls of every command Redis ran so far, by command. */
	private static Map<String, Long> commandCalls() {
		Map<String, Long> calls = new java.util.HashMap<>();
		for (String line : redisCommands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String count = line.substring(line.indexOf("calls=") + 6);
				calls.put(line.substring(8, line.indexOf(':')), Long.parseLong(count.substring(0, count.indexOf(','))));
			}
		}
		return calls;
	}

	/** Scripts (and blocking pops) Redis ran, all queues together: this test's workers are the only ones. */
	private static long scriptCalls() {
		String stats = redisCommands().info("commandstats");
		long calls = 0;
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")
					|| line.startsWith("cmdstat_bzpopmin:")) {
				String count = line.substring(line.indexOf("calls=") + 6);
				calls += Long.parseLong(count.substring(0, count.indexOf(',')));
			}
		}
		return calls;
	}

}
