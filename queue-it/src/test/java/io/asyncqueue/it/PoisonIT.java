package io.asyncqueue.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.FailedJob;
import io.asyncqueue.core.JobTimeoutException;
import io.asyncqueue.it.WorkerMain.Order;
import io.asyncqueue.it.WorkerMain.Work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 3, poison: malformed JSON, an unknown job name, a payload whose class changed shape, a handler
 * that throws an Error and a handler that hangs ignoring interrupts, among good jobs on 2 worker JVMs. Every
 * bad job is parked in failed with its reason, every good one runs once, the counts add up, and both
 * consumers keep working (while hung handler threads still hold their slots).
 */
class PoisonIT extends ItSupport {

	static final int CONCURRENCY = 6;

	static final long HANDLE_TIMEOUT_MS = 1_500;

	static final long HANG_MS = 15_000;

	/** Written straight into Redis, as a foreign or broken producer would. */
	private static final String INJECT = """
			redis.call('HSET', KEYS[7], ARGV[1], ARGV[2])
			redis.call('RPUSH', KEYS[1], ARGV[1])
			redis.call('ZADD', KEYS[6], 0, 'ready')
			return 1
			""";

	@Test
	void poisonJobsAreParkedWithTheirReasonAndConsumersKeepWorking() {
		startWorkers(Map.of("concurrency", Integer.toString(CONCURRENCY), "lease-ms", "5000", "handle-timeout-ms",
				Long.toString(HANDLE_TIMEOUT_MS), "max-attempts", "2", "backoff-ms", "200"), "w1", "w2");
		List<String> good = new ArrayList<>(pushWork(500, 0, 2));
		long begin = System.currentTimeMillis();

		// id → what its failed entry must say
		Map<String, Consumer<FailedJob>> poison = new LinkedHashMap<>();
		Consumer<FailedJob> malformed = (job) -> {
			assertThat(job.reason()).startsWith("malformed envelope");
			assertThat(job.exceptionClass()).isEqualTo("io.asyncqueue.core.UnreadableJobException");
			assertThat(job.attempts()).isEqualTo(1);
		};
		poison.put(inject("poison-truncated-json", "{\"job\":\"work\",\"payload\":{\"n\":1,"), malformed);
		poison.put(inject("poison-not-json", "this is not json"), malformed);
		poison.put(inject("poison-not-an-envelope", "[1,2,3]"), malformed);
		for (int i = 0; i < 2; i++) {
			poison.put(this.client.push(this.queue, "refund-order", Map.of("id", "r-" + i)).id(), (job) -> {
				assertThat(job.reason()).contains("unknown job 'refund-order'");
				assertThat(job.attempts()).isEqualTo(1);
			});
			// the producer still sends the old shape of Order: quantity was an object
			poison.put(this.client.push(this.queue, "order",
					Map.of("id", "o-" + i, "quantity", Map.of("amount", 3, "unit", "kg"))).id(), (job) -> {
						assertThat(job.reason()).contains("payload does not fit").contains(Order.class.getName());
						assertThat(job.attempts()).isEqualTo(1);
					});
			poison.put(this.client.push(this.queue, "explode", new Work(-1, 0)).id(), (job) -> {
				assertThat(job.exceptionClass()).isEqualTo(StackOverflowError.class.getName());
				assertThat(job.reason()).contains("StackOverflowError");
				assertThat(job.attempts()).isEqualTo(2);
			});
			poison.put(this.client.push(this.queue, "hang", new Work(-2, HANG_MS)).id(), (job) -> {
				assertThat(job.exceptionClass()).isEqualTo(JobTimeoutException.class.getName());
				assertThat(job.attempts()).isEqualTo(2);
			});
		}
		good.addAll(pushWork(500, 1_000, 2));
		for (int i = 0; i < 200; i++) {
			good.add(this.client.push(this.queue, "order", new Order("ok-" + i, i)).id());
		}

		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
			State state = state();
			return state.failed() == poison.size() && state.pending() == 0 && handledCount() == good.size();
		});
		long poisonSettledMs = System.currentTimeMillis() - begin;

		// Both consumers still work, while hung handler threads still hold their slots.
		long probeAt = System.currentTimeMillis();
		good.addAll(pushWork(400, 10_000, 5));
		awaitDrained(good.size(), Duration.ofSeconds(60));
		long probeMs = System.currentTimeMillis() - probeAt;

		Records records = records();
		List<FailedJob> failed = this.operations.failedJobs(this.queue, 0, 1_000);
		Map<String, Long> probesPerWorker = records.finished.stream()
			.filter((f) -> f.n() >= 10_000)
			.collect(Collectors.groupingBy(Records.Finished::worker, Collectors.counting()));
		State state = state();
		log("%d good + %d poison; poison parked %s after the first was pushed; probe of 400 handled in %s by %s; per worker %s",
				good.size(), poison.size(), seconds(poisonSettledMs), seconds(probeMs), probesPerWorker,
				records.perWorker());
		failed.forEach((job) -> log("  failed %s (%s) attempts %d: %s", job.id(), job.jobName(), job.attempts(),
				job.reason()));

		assertThat(this.workers).as("no worker JVM died").allSatisfy((w) -> assertThat(w.isAlive()).isTrue());
		assertThat(probesPerWorker).as("both consumers kept working").containsOnlyKeys("w1", "w2");
		assertThat(failed).extracting(FailedJob::id).containsExactlyInAnyOrderElementsOf(poison.keySet());
		for (FailedJob job : failed) {
			assertThat(job).as("failed job %s: %s", job.id(), job.reason()).satisfies(poison.get(job.id()));
		}
		assertThat(records.lost(good)).as("good jobs never handled").isEmpty();
		assertThat(records.runs.keySet()).as("only good jobs ran to the end").containsExactlyInAnyOrderElementsOf(good);
		assertThat(records.duplicates()).as("good jobs run more than once").isZero();
		// the counts add up: pushed = handled + parked, nothing anywhere else
		assertThat(state).isEqualTo(new State(poison.size(), 0, 0, 0, poison.size(), 0));
		assertThat((long) good.size() + poison.size()).isEqualTo(records.runs.size() + state.failed());

		Guarantees.record(3, "poison among good jobs on 2 worker JVMs: 3 malformed envelopes, 2 unknown job names, "
				+ "2 payloads of an old shape, 2 handlers throwing StackOverflowError, 2 hanging through interrupts ("
				+ "handle timeout " + seconds(HANDLE_TIMEOUT_MS) + ")",
				String.format("%,d good + %d poison", good.size(), poison.size()), records.lost(good).size(),
				Long.toString(records.duplicates()),
				"all " + poison.size() + " parked in failed with their reason " + seconds(poisonSettledMs)
						+ " after the first was pushed (hung ones: 2 attempts × " + seconds(HANDLE_TIMEOUT_MS) + ")"
						+ "; both consumers then handled 400 more in " + seconds(probeMs)
						+ " while hung threads still ran",
				PoisonIT.class);
	}

	private String inject(String id, String envelope) {
		admin().eval(INJECT, ScriptOutputType.INTEGER, keys().all().toArray(String[]::new), id, envelope);
		return id;
	}

}
