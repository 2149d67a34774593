package io.asyncqueue.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.JobEnvelope;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.ScheduleOperations;
import io.asyncqueue.core.schedule.ScheduleState;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.scripts.QueueKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 14, recurring jobs: 3 worker JVMs run the same 1-second schedule with no leader. For 20 s every
 * tick is pushed exactly once; one JVM is killed with SIGKILL and the ticks go on; then all are killed, and
 * after a downtime longer than the misfire threshold they come back, first with {@code fire-once} (one job
 * for all the missed ticks), then after another downtime with {@code skip} (none). Ticks are counted by the
 * tick each pushed job carries, never by wall time; the scheduled queue has no consumer, so every pushed job
 * stays in Redis to be counted.
 */
class ScheduleIT extends ItSupport {

	static final long RATE_MS = 1_000;

	static final long THRESHOLD_MS = 3_000;

	static final long DOWNTIME_MS = 8_000;

	static final String SCHEDULE = "heartbeat";

	@Test
	void threeInstancesPushEveryTickOnceThroughKillsAndDowntimes() throws Exception {
		String ticksQueue = this.queue + "-ticks";
		List<WorkerProcess> first = startWorkers(options(ticksQueue, "fire-once"), "w1", "w2", "w3");
		await().atMost(Duration.ofSeconds(60)).until(() -> span(ticksQueue) >= 20 * RATE_MS);
		long beforeKill = lastTick(ticksQueue);
		assertThat(first.get(0).kill()).isEqualTo(WorkerProcess.SIGKILL_EXIT);
		await().atMost(Duration.ofSeconds(30)).until(() -> lastTick(ticksQueue) >= beforeKill + 5 * RATE_MS);

		long firstDowntime = downtime(ticksQueue, first.subList(1, 3));
		List<WorkerProcess> second = startWorkers(options(ticksQueue, "fire-once"), "w4", "w5", "w6");
		await().atMost(Duration.ofSeconds(30)).until(() -> lastTick(ticksQueue) >= firstDowntime + DOWNTIME_MS + 3 * RATE_MS);

		long secondDowntime = downtime(ticksQueue, second);
		startWorkers(options(ticksQueue, "skip"), "w7", "w8", "w9");
		await().atMost(Duration.ofSeconds(30)).until(() -> lastTick(ticksQueue) >= secondDowntime + DOWNTIME_MS + 3 * RATE_MS);

		Map<Long, List<String>> jobs = jobsByTick(ticksQueue);
		List<Long> ticks = new ArrayList<>(jobs.keySet());
		Map<Long, String> kinds = kindsByTick(ticksQueue);
		ScheduleState state = new ScheduleOperations(redis, Queues.of(QueueSettings.defaults(ticksQueue)))
			.schedule(ticksQueue, SCHEDULE);
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < ticks.size(); i++) {
			if (ticks.get(i) - ticks.get(i - 1) != RATE_MS) {
				gaps.add(ticks.get(i - 1));
			}
		}
		long duplicates = jobs.values().stream().mapToLong((ids) -> ids.size() - 1).sum();
		log("%d ticks over %s by 9 JVMs in turn (3 at a time); gaps after %s; kinds %s; schedule %s", ticks.size(),
				seconds(ticks.get(ticks.size() - 1) - ticks.get(0)), gaps, count(kinds), state);

		assertThat(duplicates).as("ticks pushed more than once").isZero();
		assertThat(ticks.stream().filter((tick) -> tick % RATE_MS != 0)).as("ticks on the rate's multiples").isEmpty();
		assertThat(gaps).as("the only gaps: the two downtimes").containsExactly(firstDowntime, secondDowntime);
		// fire-once: one job, at once, for the ticks missed during the first downtime
		long afterFirst = ticks.get(ticks.indexOf(firstDowntime) + 1);
		assertThat(kinds.get(afterFirst)).as("the first tick after the first downtime").isEqualTo("misfire");
		assertThat(afterFirst - firstDowntime).as("the first downtime, in ticks").isGreaterThan(THRESHOLD_MS);
		// skip: nothing for the ticks missed during the second downtime, then on-time ticks again
		long afterSecond = ticks.get(ticks.indexOf(secondDowntime) + 1);
		assertThat(kinds.get(afterSecond)).as("the first tick after the second downtime").isEqualTo("tick");
		assertThat(kinds.values().stream().filter("misfire"::equals)).as("jobs for missed ticks").hasSize(1);
		long missedFirst = (afterFirst - firstDowntime) / RATE_MS - 1;
		long missedSecond = (afterSecond - secondDowntime) / RATE_MS - 1;
		assertThat(state.missed()).as("missed ticks recorded").isEqualTo(missedFirst + missedSecond);
		assertThat(state.pushes()).as("pushes recorded").isEqualTo(ticks.size());

		Guarantees.record(14, "a 1 s schedule run by 3 worker JVMs (no leader) for 20 s, one killed with kill -9, then"
				+ " all down " + seconds(DOWNTIME_MS) + " twice (restarted with misfire fire-once, then skip)",
				ticks.size() + " ticks", 0, duplicates + " (pushes per tick: exactly 1)",
				"kill -9 → no tick missed; after downtime: fire-once pushed 1 job for " + (missedFirst + 1)
						+ " ticks, skip pushed none for " + missedSecond + " (misfire threshold "
						+ seconds(THRESHOLD_MS) + ")",
				ScheduleIT.class);
	}

	private Map<String, String> options(String ticksQueue, String misfire) {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("schedule", SCHEDULE);
		options.put("schedule-queue", ticksQueue);
		options.put("schedule-rate-ms", Long.toString(RATE_MS));
		options.put("schedule-threshold-ms", Long.toString(THRESHOLD_MS));
		options.put("schedule-misfire", misfire);
		return options;
	}

	/** Kill every running instance, wait out the downtime; returns the last tick pushed before it. */
	private long downtime(String ticksQueue, List<WorkerProcess> running) throws InterruptedException {
		for (WorkerProcess worker : running) {
			assertThat(worker.kill()).isEqualTo(WorkerProcess.SIGKILL_EXIT);
		}
		long last = lastTick(ticksQueue);
		Thread.sleep(DOWNTIME_MS);
		assertThat(lastTick(ticksQueue)).as("nothing pushed while every instance is down").isEqualTo(last);
		return last;
	}

	private long span(String ticksQueue) {
		Map<Long, List<String>> jobs = jobsByTick(ticksQueue);
		return jobs.isEmpty() ? 0 : ((TreeMap<Long, List<String>>) jobs).lastKey() - ((TreeMap<Long, List<String>>) jobs).firstKey();
	}

	private long lastTick(String ticksQueue) {
		Map<Long, List<String>> jobs = jobsByTick(ticksQueue);
		return jobs.isEmpty() ? 0 : ((TreeMap<Long, List<String>>) jobs).lastKey();
	}

	/** Every pushed job's id by the tick in its headers. */
	private Map<Long, List<String>> jobsByTick(String ticksQueue) {
		Map<Long, List<String>> ticks = new TreeMap<>();
		envelopes(ticksQueue).forEach((id, envelope) -> ticks
			.computeIfAbsent(Long.parseLong(envelope.headers().get(Schedule.TICK_HEADER)), (tick) -> new ArrayList<>())
			.add(id));
		return ticks;
	}

	private Map<Long, String> kindsByTick(String ticksQueue) {
		Map<Long, String> kinds = new TreeMap<>();
		envelopes(ticksQueue).forEach((id, envelope) -> kinds.put(
				Long.parseLong(envelope.headers().get(Schedule.TICK_HEADER)), envelope.headers().get(Schedule.KIND_HEADER)));
		return kinds;
	}

	private Map<String, JobEnvelope> envelopes(String ticksQueue) {
		Map<String, JobEnvelope> envelopes = new LinkedHashMap<>();
		String jobs = QueueKeys.of(QueueSettings.defaults(ticksQueue).channel()).jobs();
		admin().hgetall(jobs).forEach((id, json) -> envelopes.put(id, this.serializer.deserialize(json)));
		return envelopes;
	}

	private static Map<String, Long> count(Map<Long, String> kinds) {
		Map<String, Long> counts = new TreeMap<>();
		kinds.values().forEach((kind) -> counts.merge(kind, 1L, Long::sum));
		return counts;
	}

}
