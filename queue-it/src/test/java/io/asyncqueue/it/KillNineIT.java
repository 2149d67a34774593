package io.asyncqueue.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.asyncqueue.it.Records.Finished;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1, kill -9: 20 000 jobs on 2 worker JVMs; one is killed with SIGKILL mid-way and started again.
 * Every job is handled at least once, duplicates are at most the jobs the killed worker had in flight, and
 * those jobs run again within the lease bound.
 */
class KillNineIT extends ItSupport {

	static final int JOBS = 20_000;

	static final long LEASE_MS = 3_000;

	static final int CONCURRENCY = 8;

	@Test
	void sigkillMidRunLosesNothing() {
		Map<String, String> options = Map.of("concurrency", Integer.toString(CONCURRENCY), "lease-ms",
				Long.toString(LEASE_MS), "backoff-ms", "0");
		List<WorkerProcess> started = startWorkers(options, "w1", "w2");
		WorkerProcess victim = started.get(0);
		long begin = System.currentTimeMillis();
		List<String> ids = pushWork(JOBS, 0, 2);

		awaitHandled(JOBS / 2, Duration.ofSeconds(120));
		long killAt = System.currentTimeMillis();
		int exit = victim.kill();
		// Everything reserved now is in flight somewhere; the victim can no longer settle anything.
		Map<String, Integer> reservedAtKill = reservedSnapshot();
		long handledAtKill = handledCount();
		assertThat(exit).as("SIGKILL's exit status").isEqualTo(WorkerProcess.SIGKILL_EXIT);

		WorkerProcess restarted = startWorkers(options, "w1-restarted").get(0);
		long restartedReadyMs = restarted.event("READY") - killAt;
		awaitDrained(JOBS, Duration.ofSeconds(120));
		long end = System.currentTimeMillis();

		Records records = records();
		// The victim's in-flight jobs: reserved at the kill and not finished by a live worker on that attempt.
		Map<String, Integer> victimInFlight = new LinkedHashMap<>();
		reservedAtKill.forEach((id, attempt) -> {
			boolean finishedByLiveWorkerOnThatAttempt = records.finishedOf(id)
				.stream()
				.anyMatch((f) -> !f.worker().equals("w1") && f.attempt() == attempt);
			if (!finishedByLiveWorkerOnThatAttempt) {
				victimInFlight.put(id, attempt);
			}
		});
		long lastRecoveredAt = killAt;
		long firstRecoveredStart = Long.MAX_VALUE;
		Set<String> notRerun = new HashSet<>();
		for (Map.Entry<String, Integer> job : victimInFlight.entrySet()) {
			List<Finished> again = records.finishedOf(job.getKey())
				.stream()
				.filter((f) -> f.attempt() > job.getValue())
				.toList();
			if (again.isEmpty()) {
				notRerun.add(job.getKey());
				continue;
			}
			lastRecoveredAt = Math.max(lastRecoveredAt, again.stream().mapToLong(Finished::endMs).min().getAsLong());
			firstRecoveredStart = Math.min(firstRecoveredStart,
					again.stream().mapToLong(Finished::startMs).min().getAsLong());
		}
		long recoveryMs = lastRecoveredAt - killAt;
		long duplicates = records.duplicates();
		Set<String> lost = records.lost(ids);

		log("%d jobs in %s; killed w1 (pid %d) after %d handled; %d reserved at the kill, %d of them the victim's;"
				+ " %d finished on a later attempt; duplicates %d (jobs %s); per worker %s",
				JOBS, seconds(end - begin), victim.pid(), handledAtKill, reservedAtKill.size(), victimInFlight.size(),
				records.finishedOnALaterAttempt(), duplicates, records.duplicatedJobs(), records.perWorker());
		log("recovery: first re-run started %s after the kill, last of the victim's jobs handled again %s after"
				+ " (lease %s); the restarted JVM was consuming %s after the kill",
				(firstRecoveredStart == Long.MAX_VALUE) ? "-" : seconds(firstRecoveredStart - killAt),
				seconds(recoveryMs), seconds(LEASE_MS), seconds(restartedReadyMs));

		assertThat(lost).as("jobs never handled").isEmpty();
		assertThat(state()).as("queue after the run").isEqualTo(new State(0, 0, 0, 0, 0, 0));
		assertThat(victimInFlight).as("the victim had jobs in flight when it was killed").isNotEmpty();
		// A victim's job is either run again, or it had finished and its ack reached Redis as the process died.
		for (String id : notRerun) {
			assertThat(records.finishedOf(id)).as("job %s of the victim, not run again", id)
				.anySatisfy((f) -> assertThat(f.worker()).isEqualTo("w1"));
		}
		assertThat(duplicates).as("duplicates ≤ the victim's jobs in flight at the kill")
			.isLessThanOrEqualTo(victimInFlight.size());
		assertThat(records.duplicatedJobs()).as("only the victim's in-flight jobs ran twice")
			.isSubsetOf(victimInFlight.keySet());
		// Recovered when the lease expires (at most LEASE_MS after the last renewal), not before and not much later.
		assertThat(recoveryMs).as("kill → the victim's jobs handled again (ms)").isLessThanOrEqualTo(LEASE_MS + 10_000);

		Guarantees.record(1, "kill -9 one of 2 worker JVMs (concurrency " + CONCURRENCY + ", lease "
				+ seconds(LEASE_MS) + ") mid-run, start it again", String.format("%,d", JOBS), lost.size(),
				duplicates + " (≤ " + victimInFlight.size() + " in flight in the killed JVM)",
				"kill → the " + victimInFlight.size() + " job(s) it had in flight handled again: " + seconds(recoveryMs)
						+ " (lease " + seconds(LEASE_MS) + "); restarted JVM consuming after " + seconds(restartedReadyMs),
				KillNineIT.class);
	}

}
