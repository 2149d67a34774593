package io.asyncqueue.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.it.WorkerMain.Work;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster-wide flow control across 3 worker JVMs: global concurrency (overlap of executions measured by Redis's
 * clock, and a killed instance's slots), a rate limit (starts per window, by Redis's clock), and groups (overlap
 * and order within each group, progress of every group).
 */
class FlowControlIT extends ItSupport {

	static final int GLOBAL = 2;

	@Test
	void globalConcurrencyTwoHoldsAcrossThreeInstances() {
		int jobs = 3_000;
		startWorkers(Map.of("concurrency", "4", "global-concurrency", Integer.toString(GLOBAL), "lease-ms", "600000"),
				"w1", "w2", "w3");
		long begin = System.currentTimeMillis();
		pushTimed(jobs, 2);
		awaitDrained(jobs, Duration.ofSeconds(240));
		long tookMs = System.currentTimeMillis() - begin;
		List<Timed> timed = timed();
		int most = mostAtOnce(timed);
		Map<String, Long> perWorker = perWorker(timed);
		log("global concurrency %d over 3 JVMs × concurrency 4: %,d jobs of 2 ms in %s (%,.0f jobs/s), at most %d"
				+ " running at once by Redis's clock; per worker %s", GLOBAL, jobs, seconds(tookMs),
				jobs * 1000.0 / tookMs, most, perWorker);
		assertThat(timed).hasSize(jobs);
		assertThat(most).as("executions overlapping at once").isEqualTo(GLOBAL);
		assertThat(perWorker).as("every instance took part").containsOnlyKeys("w1", "w2", "w3");
	}

	@Test
	void jobsReservedAheadStartOnlyInAHandedSlotAndTheLimitHolds() {
		// a global concurrency equal to one worker's handlers, over 2 JVMs: each reserves jobs ahead, which start
		// in the slots its own finishing jobs hand over, while the other waits for slots now and then
		int jobs = 4_000;
		int global = 4;
		startWorkers(Map.of("concurrency", "4", "global-concurrency", Integer.toString(global), "lease-ms", "600000"),
				"w1", "w2");
		java.util.concurrent.atomic.AtomicLong mostAhead = new java.util.concurrent.atomic.AtomicLong();
		java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				mostAhead.accumulateAndGet(admin().zcard(keys().ahead()), Math::max);
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		sampler.start();
		long begin = System.currentTimeMillis();
		pushTimed(jobs, 0);
		awaitDrained(jobs, Duration.ofSeconds(240));
		long tookMs = System.currentTimeMillis() - begin;
		sampling.set(false);
		List<Timed> timed = timed();
		int most = mostAtOnce(timed);
		log("global concurrency %d over 2 JVMs × concurrency 4, jobs reserved ahead: %,d jobs of 0 ms in %s (%,.0f"
				+ " jobs/s), at most %d running at once by Redis's clock, at most %d reserved ahead; per worker %s",
				global, jobs, seconds(tookMs), jobs * 1000.0 / tookMs, most, mostAhead.get(), perWorker(timed));
		assertThat(timed).hasSize(jobs);
		assertThat(most).as("executions overlapping at once").isLessThanOrEqualTo(global);
		assertThat(mostAhead.get()).as("jobs were reserved ahead").isPositive();
		assertThat(perWorker(timed)).as("every instance took part").containsOnlyKeys("w1", "w2");
		await(() -> admin().zcard(keys().reserved()) == 0 && admin().zcard(keys().ahead()) == 0);
	}

	@Test
	void aKilledInstancesSlotsComeBackWhenItsLeasesExpire() {
		long leaseMs = 3_000;
		Map<String, String> options = Map.of("concurrency", "2", "global-concurrency", Integer.toString(GLOBAL),
				"lease-ms", Long.toString(leaseMs), "handle-timeout-ms", "60000");
		WorkerProcess victim = startWorkers(options, "w1").get(0);
		pushTimed(GLOBAL, 20_000);
		await(() -> reservedSnapshot().size() == GLOBAL);
		startWorkers(options, "w2", "w3");
		pushTimed(20, 50);
		long killAt = System.currentTimeMillis();
		victim.kill();
		awaitDrained(GLOBAL + 20, Duration.ofSeconds(120));
		long killUs = killAt * 1000;
		List<Timed> timed = timed();
		List<Timed> afterKill = timed.stream()
			.filter((t) -> !t.worker().equals("w1"))
			.sorted(Comparator.comparingLong(Timed::startUs))
			.toList();
		long bothInUseMs = (afterKill.get(GLOBAL - 1).startUs() - killUs) / 1000;
		int most = mostAtOnce(afterKill);
		log("killed w1 holding both slots of global concurrency %d (lease %s): both in use again on the other JVMs"
				+ " %s after the kill; at most %d running at once after it", GLOBAL, seconds(leaseMs),
				seconds(bothInUseMs), most);
		assertThat(afterKill).as("nothing started while the dead instance's leases held both slots")
			.allSatisfy((t) -> assertThat(t.startUs()).isGreaterThan(killUs));
		assertThat(bothInUseMs).as("kill → both slots in use again (ms)").isLessThanOrEqualTo(leaseMs + 10_000);
		assertThat(most).isLessThanOrEqualTo(GLOBAL);
	}

	@Test
	void aRateLimitOfFiftyPerSecondHoldsInEveryWindowAndReachesNinetyPercent() {
		RateLimit limit = RateLimit.of(50, Duration.ofSeconds(1));
		int warmUp = 1_000;
		int jobs = 650;
		// the JVMs start without a limit and warm up on jobs of their own (cold, on a busy machine, their first
		// seconds are seconds of class loading and compiling); then the limit is set at run time, in Redis, and
		// every instance obeys it from its next fetch
		startWorkers(Map.of("concurrency", "4", "lease-ms", "600000"), "w1", "w2", "w3");
		pushTimed(warmUp, 0);
		awaitDrained(warmUp, Duration.ofSeconds(120));
		this.operations.setRateLimit(this.queue, limit);
		List<String> clock = admin().time();
		long limitedFrom = Long.parseLong(clock.get(0)) * 1000 + Long.parseLong(clock.get(1)) / 1000;
		pushTimed(jobs, 0);
		awaitDrained(warmUp + jobs, Duration.ofSeconds(120));
		// when each job was reserved, by Redis's clock (ms): the start the rate limit counts
		List<Long> reserved = timed().stream().map(Timed::reservedMs).filter((ms) -> ms >= limitedFrom).sorted().toList();
		assertThat(reserved).hasSize(jobs);
		long first = reserved.get(0);
		long inTenSeconds = reserved.stream().filter((ms) -> ms < first + 10_000).count();
		// times are whole milliseconds: starts 1 s apart or more may read 999 ms apart, so the window that can be
		// told apart is 999 ms; any 51 starts must span at least that
		int mostInAWindow = 0;
		for (int i = 0; i < reserved.size(); i++) {
			int j = i;
			while (j < reserved.size() && reserved.get(j) < reserved.get(i) + 999) {
				j++;
			}
			mostInAWindow = Math.max(mostInAWindow, j - i);
		}
		Map<Long, Long> perSecond = new TreeMap<>();
		reserved.forEach((ms) -> perSecond.merge((ms - first) / 1000, 1L, Long::sum));
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < reserved.size(); i++) {
			gaps.add(reserved.get(i) - reserved.get(i - 1));
		}
		gaps.sort(Comparator.reverseOrder());
		log("starts per second from the first: %s; longest gaps between starts (ms): %s", perSecond.values(),
				gaps.subList(0, 10));
		log("rate limit %s over 3 JVMs: %d starts in the first 10 s (%.1f %% of the limit), at most %d in any window"
				+ " of 999 ms (Redis's ms clock)", limit, inTenSeconds, inTenSeconds / 5.0, mostInAWindow);
		assertThat(mostInAWindow).as("starts in any window of the period").isLessThanOrEqualTo(50);
		assertThat(inTenSeconds).as("starts in 10 s, at least 90 % of 500").isGreaterThanOrEqualTo(450);
	}

	@Test
	void twoHundredGroupsOfTwentyRunOneAtATimeInOrderAndAllProgress() {
		int groups = 200;
		int perGroup = 20;
		startWorkers(Map.of("concurrency", "4", "lease-ms", "600000"), "w1", "w2", "w3");
		// each group's jobs are pushed in order (job n of every group, then n + 1), in batches of 1 000
		Map<String, int[]> pushed = new LinkedHashMap<>();
		List<PushRequest> batch = new ArrayList<>();
		List<int[]> batchKeys = new ArrayList<>();
		long begin = System.currentTimeMillis();
		for (int n = 0; n < perGroup; n++) {
			for (int g = 0; g < groups; g++) {
				batch.add(new PushRequest("timed", new Work(n, 2), PushOptions.group("g" + g)));
				batchKeys.add(new int[] { g, n });
				if (batch.size() == 1000) {
					List<PushResult> results = this.client.pushAll(this.queue, batch);
					for (int i = 0; i < results.size(); i++) {
						pushed.put(results.get(i).id(), batchKeys.get(i));
					}
					batch.clear();
					batchKeys.clear();
				}
			}
		}
		assertThat(pushed).hasSize(groups * perGroup);
		awaitDrained(groups * perGroup, Duration.ofSeconds(300));
		long tookMs = System.currentTimeMillis() - begin;
		Map<Integer, List<Timed>> byGroup = new TreeMap<>();
		for (Timed t : timed()) {
			byGroup.computeIfAbsent(pushed.get(t.jobId())[0], (g) -> new ArrayList<>()).add(t);
		}
		int mostOfAGroup = byGroup.values().stream().mapToInt(FlowControlIT::mostAtOnce).max().orElse(0);
		List<Integer> outOfOrder = byGroup.entrySet()
			.stream()
			.filter((group) -> !group.getValue()
				.stream()
				.sorted(Comparator.comparingLong(Timed::startUs))
				.map((t) -> pushed.get(t.jobId())[1])
				.toList()
				.equals(java.util.stream.IntStream.range(0, perGroup).boxed().toList()))
			.map(Map.Entry::getKey)
			.toList();
		// fairness: when the first group has run all its jobs, how far the group furthest behind has come
		long firstDoneUs = byGroup.values()
			.stream()
			.mapToLong((runs) -> runs.stream().mapToLong(Timed::startUs).max().orElseThrow())
			.min()
			.orElseThrow();
		long leastStarted = byGroup.values()
			.stream()
			.mapToLong((runs) -> runs.stream().filter((t) -> t.startUs() <= firstDoneUs).count())
			.min()
			.orElseThrow();
		int most = mostAtOnce(timed());
		log("%d groups × %d jobs of 2 ms over 3 JVMs × concurrency 4: %,d jobs in %s (%,.0f jobs/s); at most %d of"
				+ " one group and %d in all running at once by Redis's clock; %d groups out of order; when the first"
				+ " group had started all %d of its jobs, the group furthest behind had started %d; per worker %s",
				groups, perGroup, groups * perGroup, seconds(tookMs), groups * perGroup * 1000.0 / tookMs, mostOfAGroup,
				most, outOfOrder.size(), perGroup, leastStarted, perWorker(timed()));
		assertThat(byGroup).as("every group ran").hasSize(groups);
		assertThat(mostOfAGroup).as("jobs of one group running at once").isEqualTo(1);
		assertThat(outOfOrder).as("groups whose jobs started out of push order").isEmpty();
		assertThat(most).as("other groups ran beside each other").isGreaterThan(1);
		assertThat(leastStarted).as("jobs the furthest-behind group had started when the first group was done")
			.isGreaterThanOrEqualTo(perGroup / 2);
	}

	@Test
	void aKilledInstancesGroupSlotComesBackWithItsLeaseAndTheGroupKeepsItsOrder() {
		long leaseMs = 3_000;
		Map<String, String> options = Map.of("concurrency", "2", "lease-ms", Long.toString(leaseMs),
				"handle-timeout-ms", "60000", "record-starts", "true");
		List<WorkerProcess> started = startWorkers(options, "w1", "w2", "w3");
		// the group's first job runs long on the JVM about to die; the rest of the group must wait for it
		List<PushRequest> group = new ArrayList<>();
		group.add(new PushRequest("timed", new Work(0, 10_000), PushOptions.group("a")));
		for (int n = 1; n <= 4; n++) {
			group.add(new PushRequest("timed", new Work(n, 20), PushOptions.group("a")));
		}
		List<String> ids = this.client.pushAll(this.queue, group).stream().map(PushResult::id).toList();
		await(() -> !records().started.isEmpty());
		String running = records().started.get(0).worker();
		WorkerProcess victim = started.stream().filter((worker) -> worker.id().equals(running)).findFirst().orElseThrow();
		long killAt = System.currentTimeMillis();
		victim.kill();
		awaitDrained(ids.size(), Duration.ofSeconds(120));
		List<Timed> runs = timed().stream().sorted(Comparator.comparingLong(Timed::startUs)).toList();
		long backMs = runs.get(0).startUs() / 1000 - killAt;
		log("killed %s while it ran the first of a group's 5 jobs (lease %s): the job ran again on %s %s after the"
				+ " kill, then the rest of the group in order on %s; at most %d of the group at once", running,
				seconds(leaseMs), runs.get(0).worker(), seconds(backMs),
				runs.subList(1, runs.size()).stream().map(Timed::worker).toList(), mostAtOnce(runs));
		assertThat(runs).extracting(Timed::jobId).as("the group's order, the recovered job first").isEqualTo(ids);
		assertThat(runs).extracting(Timed::worker).doesNotContain(running);
		assertThat(mostAtOnce(runs)).as("jobs of the group at once").isEqualTo(1);
		// the other consumers, idle since before the push (the group held its later jobs back, so nothing woke
		// them), learn of the expired lease when they next look: within the blocking timeout
		assertThat(backMs).as("kill → the group's job running again (ms)")
			.isLessThanOrEqualTo(Math.max(leaseMs, QueueSettings.DEFAULT_BLOCKING_TIMEOUT.toMillis()) + 5_000);
	}

	private void pushTimed(int count, long sleepMs) {
		List<PushRequest> batch = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			batch.add(PushRequest.of("timed", new Work(i, sleepMs)));
			if (batch.size() == 1000 || i == count - 1) {
				List<PushResult> results = this.client.pushAll(this.queue, batch);
				assertThat(results).allSatisfy((result) -> assertThat(result.created()).isTrue());
				batch.clear();
			}
		}
	}

	private static void await(java.util.concurrent.Callable<Boolean> condition) {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(condition);
	}

	/** One execution of a timed job, by Redis's clock. */
	record Timed(String worker, String jobId, long reservedMs, long startUs, long endUs) {
	}

	private List<Timed> timed() {
		List<Timed> timed = new ArrayList<>();
		for (String line : admin().lrange(recordKey("timed"), 0, -1)) {
			String[] f = line.split("\\|");
			timed.add(new Timed(f[1], f[2], Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
		}
		return timed;
	}

	/** The most executions running at once; at the same µs an end comes first (it was read before the start). */
	private static int mostAtOnce(List<Timed> timed) {
		TreeMap<Long, Integer> changes = new TreeMap<>();
		for (Timed t : timed) {
			changes.merge(t.startUs() * 2 + 1, 1, Integer::sum);
			changes.merge(t.endUs() * 2, -1, Integer::sum);
		}
		int running = 0;
		int most = 0;
		for (int change : changes.values()) {
			running += change;
			most = Math.max(most, running);
		}
		return most;
	}

	private static Map<String, Long> perWorker(List<Timed> timed) {
		Map<String, Long> counts = new LinkedHashMap<>();
		timed.stream()
			.sorted(Comparator.comparing(Timed::worker))
			.forEach((t) -> counts.merge(t.worker(), 1L, Long::sum));
		return counts;
	}

}
