package io.asyncqueue.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 4, many instances: 3 worker JVMs × concurrency 16 on one queue, 50 000 jobs pushed while they
 * consume, no faults: each job runs exactly once.
 */
class ManyInstancesIT extends ItSupport {

	static final int JOBS = 50_000;

	static final int INSTANCES = 3;

	static final int CONCURRENCY = 16;

	@Test
	void threeInstancesRunEachJobExactlyOnce() {
		startWorkers(Map.of("concurrency", Integer.toString(CONCURRENCY)), "w1", "w2", "w3");
		long begin = System.currentTimeMillis();
		List<String> ids = pushWork(JOBS, 0, 0);
		long pushedMs = System.currentTimeMillis() - begin;
		awaitDrained(JOBS, Duration.ofSeconds(240));
		long tookMs = System.currentTimeMillis() - begin;

		Records records = records();
		Map<String, Long> perWorker = records.perWorker();
		log("%,d jobs pushed in %s (while consuming), all handled in %s (%,.0f jobs/s); per worker %s;"
				+ " %d finished on a later attempt", JOBS, seconds(pushedMs), seconds(tookMs), JOBS * 1000.0 / tookMs,
				perWorker, records.finishedOnALaterAttempt());

		assertThat(records.lost(ids)).as("jobs never handled").isEmpty();
		assertThat(records.runs).as("executions per job").hasSize(JOBS).allSatisfy((id, runs) -> assertThat(runs).isOne());
		assertThat(records.finished).as("recorded executions").hasSize(JOBS);
		assertThat(records.finishedOnALaterAttempt()).as("jobs fetched more than once").isZero();
		assertThat(perWorker).as("every instance took part").containsOnlyKeys("w1", "w2", "w3");
		assertThat(state()).isEqualTo(new State(0, 0, 0, 0, 0, 0));

		Guarantees.record(4, INSTANCES + " worker JVMs × concurrency " + CONCURRENCY + " on one queue, no faults",
				String.format("%,d", JOBS), records.lost(ids).size(), Long.toString(records.duplicates()),
				"– (no fault; all handled in " + seconds(tookMs) + ", " + String.format("%,.0f", JOBS * 1000.0 / tookMs)
						+ " jobs/s, split " + perWorker.values() + ")",
				ManyInstancesIT.class);
	}

}
