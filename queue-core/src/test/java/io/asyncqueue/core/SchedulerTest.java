package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.schedule.MisfirePolicy;
import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.core.schedule.Ticks;
import io.asyncqueue.core.scripts.PushRecord;
import io.asyncqueue.core.scripts.ScheduleScripts;
import io.asyncqueue.core.scripts.ScheduleScripts.Action;
import io.asyncqueue.core.scripts.ScheduleScripts.Claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Schedules against a real redis-server: several schedulers in one JVM stand for several instances (the
 * queue-it suite runs them in separate JVMs). Jobs are counted by the tick each carries, never by wall time.
 */
class SchedulerTest extends RedisTestSupport {

	private final List<QueueScheduler> schedulers = new ArrayList<>();

	@AfterEach
	void stopSchedulers() {
		this.schedulers.forEach(QueueScheduler::stop);
	}

	@Test
	void threeInstancesPushEachTickExactlyOnce() {
		QueueSettings settings = settings().build();
		for (int i = 0; i < 3; i++) {
			start(settings, everySecond(MisfirePolicy.FIRE_ONCE));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> jobsByTick(settings).size() >= 4);
		this.schedulers.forEach(QueueScheduler::stop);
		Map<Long, List<String>> ticks = jobsByTick(settings);
		assertThat(ticks.values()).as("jobs per tick").allSatisfy((jobs) -> assertThat(jobs).hasSize(1));
		List<Long> seconds = new ArrayList<>(ticks.keySet());
		for (int i = 1; i < seconds.size(); i++) {
			assertThat(seconds.get(i) - seconds.get(i - 1)).as("ticks follow each other").isEqualTo(1000);
		}
		ScheduleState state = schedules(settings).schedule(this.queue, "heartbeat");
		assertThat(state.pushes()).isEqualTo(ticks.size());
		assertThat(state.lastTick().toEpochMilli()).isEqualTo(seconds.get(seconds.size() - 1));
		assertThat(state.nextTick()).isEqualTo(state.lastTick().plusSeconds(1));
		assertThat(state.jobName()).isEqualTo("beat");
		assertThat(state.spec()).isEqualTo("every 1s");
	}

	@Test
	void aClaimOnAStaleLastTickPushesNothing() {
		QueueSettings settings = settings().build();
		ScheduleScripts scripts = new ScheduleScripts(redis);
		Claim init = new Claim(Action.INIT, "", 1000, 2000L, false, 0);
		assertThat(scripts.claim(settings, "s", init, record()).join().claimed()).isTrue();
		Claim tick = new Claim(Action.TICK, "1000", 2000, 3000L, true, 0);
		assertThat(scripts.claim(settings, "s", tick, record()).join().claimed()).isTrue();
		// a second instance that read the same last tick
		assertThat(scripts.claim(settings, "s", tick, record()).join()).isEqualTo(new ScheduleScripts.ClaimReply("stale", "2000"));
		assertThat(redisCommands().hlen(keys(settings).jobs())).isEqualTo(1);
	}

	@Test
	void aClaimOnADurableQueueWaitsForReplicasLikeAnyPushOfIt() {
		// this server has no replica: WAIT answers 0 after the timeout
		QueueSettings settings = settings().replicas(1).replicaTimeout(Duration.ofMillis(50)).build();
		ScheduleScripts scripts = new ScheduleScripts(redis);
		long waitsBefore = waits();
		assertThat(scripts.claim(settings, "s", new Claim(Action.INIT, "", 1000, 2000L, false, 0), record()))
			.failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(PushNotReplicatedException.class);
		assertThat(waits()).as("WAIT sent after the claim").isEqualTo(waitsBefore + 1);
		// another instance's stale claim wrote nothing, so it waits for nothing
		assertThat(scripts.claim(settings, "s", new Claim(Action.INIT, "", 1000, 2000L, false, 0), record()).join())
			.isEqualTo(new ScheduleScripts.ClaimReply("stale", "1000"));
		assertThat(waits()).isEqualTo(waitsBefore + 1);
	}

	@Test
	void aSchedulerOnADurableQueuePushesEachTickOnceWhenItsReplicasLag() {
		QueueSettings settings = settings().replicas(1).replicaTimeout(Duration.ofMillis(50)).build();
		start(settings, everySecond(MisfirePolicy.FIRE_ONCE));
		await().atMost(Duration.ofSeconds(20)).until(() -> jobsByTick(settings).size() >= 3);
		this.schedulers.forEach(QueueScheduler::stop);
		assertThat(jobsByTick(settings).values()).as("jobs per tick").allSatisfy((jobs) -> assertThat(jobs).hasSize(1));
	}

	private static long waits() {
		String stats = redisCommands().info("commandstats");
		java.util.regex.Matcher calls = java.util.regex.Pattern.compile("cmdstat_wait:calls=(\\d+)").matcher(stats);
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

	@Test
	void afterDowntimeSkipPushesNothingForTheMissedTicks() {
		QueueSettings settings = startAfterDowntime(MisfirePolicy.SKIP);
		ScheduleState state = schedules(settings).schedule(this.queue, "heartbeat");
		assertThat(state.missed()).as("ticks skipped").isGreaterThanOrEqualTo(29);
		assertThat(kinds(settings)).as("no job for the missed ticks").containsOnly("tick");
	}

	@Test
	void afterDowntimeFireOncePushesOneJobForTheMissedTicks() {
		QueueSettings settings = startAfterDowntime(MisfirePolicy.FIRE_ONCE);
		assertThat(kinds(settings)).as("one job for all the missed ticks").containsOnlyOnce("misfire");
		assertThat(schedules(settings).schedule(this.queue, "heartbeat").missed()).isGreaterThanOrEqualTo(28);
	}

	@Test
	void pausedScheduleIsObeyedByEveryInstanceAndTriggerNowPushesOnce() throws Exception {
		QueueSettings settings = settings().build();
		Schedule schedule = new Schedule("report", this.queue, "beat", "p", Ticks.fixedRate(Duration.ofHours(1)),
				"every 1h", MisfirePolicy.SKIP, Duration.ofSeconds(5));
		start(settings, schedule);
		start(settings, schedule);
		ScheduleOperations operations = schedules(settings);
		await().atMost(Duration.ofSeconds(10)).until(() -> operations.schedule(this.queue, "report") != null
				&& operations.schedule(this.queue, "report").lastTick() != null);
		assertThat(operations.pause(this.queue, "report")).isTrue();
		assertThat(operations.pause(this.queue, "report")).isFalse();
		assertThat(operations.trigger(this.queue, "report")).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> kinds(settings).size() == 1);
		Thread.sleep(2 * QueueScheduler.POLL_INTERVAL.toMillis());
		assertThat(kinds(settings)).as("one job per trigger, whichever instance saw it").containsExactly("trigger");
		ScheduleState state = operations.schedule(this.queue, "report");
		assertThat(state.paused()).isTrue();
		assertThat(state.triggered()).isEqualTo(1);
		assertThat(state.triggerPending()).isFalse();
		assertThat(operations.resume(this.queue, "report")).isTrue();
		assertThat(operations.schedules(this.queue)).extracting(ScheduleState::name).containsExactly("report");
		assertThatExceptionOfType(QueueException.class).isThrownBy(() -> operations.pause(this.queue, "nope"))
			.withMessageContaining("No schedule 'nope' on queue '" + this.queue + "'; its schedules are [report]");
	}

	@Test
	void closedPushesLeaveTicksAndTriggersDueUntilReopened() throws Exception {
		QueueSettings settings = settings().build();
		operations(settings).closePushes(this.queue);
		ScheduleOperations schedules = schedules(settings);
		start(settings, everySecond(MisfirePolicy.FIRE_ONCE));
		await().atMost(Duration.ofSeconds(10)).until(() -> schedules.schedule(this.queue, "heartbeat") != null);
		assertThat(schedules.trigger(this.queue, "heartbeat")).isTrue();
		long scriptsBefore = scriptCalls();
		Thread.sleep(1500);
		assertThat(scriptCalls() - scriptsBefore).as("claims while closed: one look per poll, no busy loop")
			.isLessThan(10);
		assertThat(redisCommands().hlen(keys(settings).jobs())).as("nothing pushed while closed").isZero();
		assertThat(schedules.schedule(this.queue, "heartbeat").triggerPending()).isTrue();
		operations(settings).openPushes(this.queue);
		await().atMost(Duration.ofSeconds(10)).until(() -> kinds(settings).contains("trigger") && jobsByTick(settings).size() >= 4);
		this.schedulers.forEach(QueueScheduler::stop);
		assertThat(kinds(settings)).as("ticks within the misfire threshold are caught up").doesNotContain("misfire");
		List<Long> ticks = redisCommands().hvals(keys(settings).jobs())
			.stream()
			.map((json) -> this.serializer.deserialize(json).headers())
			.filter((headers) -> "tick".equals(headers.get(Schedule.KIND_HEADER)))
			.map((headers) -> Long.parseLong(headers.get(Schedule.TICK_HEADER)))
			.sorted()
			.toList();
		for (int i = 1; i < ticks.size(); i++) {
			assertThat(ticks.get(i) - ticks.get(i - 1)).as("no tick lost while closed").isEqualTo(1000);
		}
	}

	/** Scripts Redis ran so far (EVALSHA, and EVAL after a NOSCRIPT), from its command statistics. */
	private static long scriptCalls() {
		long calls = 0;
		for (String line : redisCommands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
				calls += Long.parseLong(line.replaceAll("^[^:]+:calls=(\\d+),.*", "$1"));
			}
		}
		return calls;
	}

	/** A schedule whose last tick was claimed 30 s ago, then one instance, until it pushed twice. */
	private QueueSettings startAfterDowntime(MisfirePolicy misfire) {
		QueueSettings settings = settings().build();
		Schedule schedule = everySecond(misfire);
		long last = Instant.now().minusSeconds(30).toEpochMilli() / 1000 * 1000;
		new ScheduleScripts(redis).claim(settings, schedule.name(), new Claim(Action.INIT, "", last, last + 1000, false, 0),
				record()).join();
		start(settings, schedule);
		await().atMost(Duration.ofSeconds(10)).until(() -> jobsByTick(settings).size() >= 2);
		return settings;
	}

	private static PushRecord record() {
		return new PushRecord(PushOptions.newJobId(), "{\"job\":\"beat\",\"payload\":null,\"pushedAt\":0}", 0, 0, null);
	}

	private Schedule everySecond(MisfirePolicy misfire) {
		return new Schedule("heartbeat", this.queue, "beat", "p", Ticks.fixedRate(Duration.ofSeconds(1)), "every 1s",
				misfire, Duration.ofSeconds(3));
	}

	private void start(QueueSettings settings, Schedule schedule) {
		QueueScheduler scheduler = new QueueScheduler(redis, this.serializer, Queues.of(settings), List.of(schedule));
		this.schedulers.add(scheduler);
		scheduler.start();
	}

	private ScheduleOperations schedules(QueueSettings settings) {
		return new ScheduleOperations(redis, Queues.of(settings));
	}

	/** The pushed jobs' ids by the tick in their headers. */
	private Map<Long, List<String>> jobsByTick(QueueSettings settings) {
		Map<Long, List<String>> ticks = new TreeMap<>();
		redisCommands().hgetall(keys(settings).jobs()).forEach((id, json) -> {
			JobEnvelope envelope = this.serializer.deserialize(json);
			ticks.computeIfAbsent(Long.parseLong(envelope.headers().get(Schedule.TICK_HEADER)), (tick) -> new ArrayList<>())
				.add(id);
		});
		return ticks;
	}

	private List<String> kinds(QueueSettings settings) {
		return redisCommands().hvals(keys(settings).jobs())
			.stream()
			.map((json) -> this.serializer.deserialize(json).headers().get(Schedule.KIND_HEADER))
			.toList();
	}

}
