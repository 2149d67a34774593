package io.asyncqueue.it;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a fault-free run, no worker may warn that a job "lost its lease while running" for a job that
 * finished, was acknowledged and never ran again. (It did, before QueueWorker checked that the
 * execution was still running: an ack that reaches Redis before a lease renewal also reads as "not
 * owned" to the renewal.)
 */
class SpuriousLeaseLossIT extends ItSupport {

	static final int JOBS = 20_000;

	private static final Pattern LOST = Pattern.compile("job (\\S+) lost its lease while running");

	@Test
	void noLostLeaseWarningForJobsThatFinishedNormally() throws IOException {
		// A short lease renews often (every 100 ms), which makes the race frequent; one worker, so a lease that
		// really expired would show as the same job fetched again (attempt 2).
		List<WorkerProcess> started = startWorkers(Map.of("concurrency", "16", "lease-ms", "300"), "w1");
		List<String> ids = pushWork(JOBS, 0, 0);
		awaitDrained(JOBS, Duration.ofSeconds(180));

		Records records = records();
		Set<String> warned = new LinkedHashSet<>();
		Matcher matcher = LOST.matcher(Files.readString(started.get(0).logFile()));
		while (matcher.find()) {
			warned.add(matcher.group(1));
		}
		Set<String> falseAlarms = new LinkedHashSet<>();
		for (String id : warned) {
			boolean ranOnceOnItsFirstAttempt = records.runs.getOrDefault(id, 0L) == 1
					&& records.finishedOf(id).stream().allMatch((f) -> f.attempt() == 1);
			if (ranOnceOnItsFirstAttempt) {
				falseAlarms.add(id);
			}
		}
		log("%d jobs; %d 'lost its lease' warnings, %d of them for jobs that ran once, on attempt 1: %s", JOBS,
				warned.size(), falseAlarms.size(), falseAlarms);

		assertThat(records.lost(ids)).isEmpty();
		assertThat(falseAlarms).as("'lost its lease' warnings for jobs that finished normally and never ran again")
			.isEmpty();
	}

}
