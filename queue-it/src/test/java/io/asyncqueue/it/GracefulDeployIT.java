package io.asyncqueue.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.asyncqueue.it.Records.Finished;
import io.asyncqueue.it.Records.Started;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 5, graceful deploy: SIGTERM a worker JVM under load. Its shutdown hook stops the worker: it stops
 * fetching, lets short in-flight jobs finish, returns long ones to waiting at the end of its shutdown timeout,
 * and exits; nothing is lost, nothing runs twice, and nothing waits for a lease (30 s here).
 */
class GracefulDeployIT extends ItSupport {

	static final int CONCURRENCY = 8;

	static final long LEASE_MS = 30_000;

	static final long SHUTDOWN_TIMEOUT_MS = 3_000;

	static final long LONG_JOB_MS = 10_000;

	static final int SHORT_JOBS = 3_000;

	@Test
	void sigtermUnderLoadFinishesOrReturnsInFlightJobs() {
		startWorkers(Map.of("concurrency", Integer.toString(CONCURRENCY), "lease-ms", Long.toString(LEASE_MS),
				"shutdown-timeout-ms", Long.toString(SHUTDOWN_TIMEOUT_MS), "handle-timeout-ms", "60000",
				"record-starts", "true"), "w1", "w2");
		List<String> longJobs = pushWork(3, 0, LONG_JOB_MS);
		List<String> all = new ArrayList<>(longJobs);
		all.addAll(pushWork(SHORT_JOBS, 100, 10));

		// Under load: every long job running, short ones flowing.
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
			Records records = records();
			return records.started.stream().map(Started::jobId).collect(Collectors.toSet()).containsAll(longJobs)
					&& records.finished.size() >= 300;
		});
		Records before = records();
		Map<String, Long> longPerWorker = before.started.stream()
			.filter((s) -> longJobs.contains(s.jobId()))
			.collect(Collectors.groupingBy(Started::worker, Collectors.counting()));
		String victimId = longPerWorker.getOrDefault("w1", 0L) >= longPerWorker.getOrDefault("w2", 0L) ? "w1" : "w2";
		String survivorId = victimId.equals("w1") ? "w2" : "w1";
		WorkerProcess victim = this.workers.stream().filter((w) -> w.id().equals(victimId)).findFirst().orElseThrow();

		long sigtermAt = System.currentTimeMillis();
		victim.terminate();
		int exit = victim.awaitExit(Duration.ofMillis(SHUTDOWN_TIMEOUT_MS + 30_000));
		long exitedAt = System.currentTimeMillis();
		assertThat(victim.event("STOPPING")).as("%s exited with %d without running its shutdown hook; see %s", victimId,
				exit, victim.logFile()).isNotNull();
		long stoppingAt = victim.event("STOPPING");
		Long stoppedAt = victim.event("STOPPED");
		awaitDrained(all.size(), Duration.ofSeconds(120));

		Records records = records();
		List<Started> victimStarts = records.startedBy(victimId);
		Set<String> victimFinished = records.finishedBy(victimId).stream().map((f) -> f.jobId() + "#" + f.attempt())
			.collect(Collectors.toSet());
		Set<String> returned = new HashSet<>();
		for (Started start : victimStarts) {
			if (!victimFinished.contains(start.jobId() + "#" + start.attempt())) {
				returned.add(start.jobId());
			}
		}
		// The STOPPING mark is taken just before worker.stop() begins, and a handler records its start only after the
		// worker's own "still running?" check: a job that passed that check as the stop began can record a start a
		// moment after the mark. Such a job is one the stopping worker had already begun, so it must finish within
		// the grace period there; after stop() has returned, nothing may start at all.
		List<Started> startedAfterStopping = victimStarts.stream().filter((s) -> s.startMs() > stoppingAt).toList();
		long startedAfterStop = victimStarts.stream()
			.filter((s) -> stoppedAt == null || s.startMs() > stoppedAt)
			.count();
		long finishedInGrace = records.finishedBy(victimId).stream().filter((f) -> f.endMs() >= stoppingAt).count();
		long restartedWithin = 0;
		List<Integer> returnedAttempts = new ArrayList<>();
		for (String id : returned) {
			Started again = records.started.stream()
				.filter((s) -> s.jobId().equals(id) && s.worker().equals(survivorId))
				.findFirst()
				.orElseThrow(() -> new AssertionError("returned job " + id + " never started on " + survivorId));
			restartedWithin = Math.max(restartedWithin, again.startMs() - sigtermAt);
			records.finishedOf(id).stream().map(Finished::attempt).forEach(returnedAttempts::add);
		}

		log("SIGTERM to %s (pid %d): STOPPING after %d ms, STOPPED after %s ms, exit %d after %s;"
				+ " it finished %d job(s) in its grace period and returned %d (%s)", victimId, victim.pid(),
				stoppingAt - sigtermAt, (stoppedAt != null) ? stoppedAt - sigtermAt : "-", exit,
				seconds(exitedAt - sigtermAt), finishedInGrace, returned.size(), returned);
		log("returned jobs started again on %s ≤ %s after SIGTERM (lease %s), attempts %s; %d start(s) recorded after STOPPING;"
				+ " duplicates %d; per worker %s", survivorId, seconds(restartedWithin), seconds(LEASE_MS),
				returnedAttempts, startedAfterStopping.size(), records.duplicates(), records.perWorker());

		assertThat(exit).as("exit status after SIGTERM (shutdown hook ran)").isEqualTo(WorkerProcess.SIGTERM_EXIT);
		assertThat(stoppedAt).as("the shutdown hook's worker.stop() returned").isNotNull();
		assertThat(exitedAt - sigtermAt).as("SIGTERM → exit (ms)").isLessThanOrEqualTo(SHUTDOWN_TIMEOUT_MS + 5_000);
		assertThat(startedAfterStop).as("jobs started by the worker after its stop() returned").isZero();
		assertThat(startedAfterStopping).as("jobs the worker began as its stop began: at most one per handler,"
				+ " each finished there in the grace period")
			.hasSizeLessThanOrEqualTo(CONCURRENCY)
			.allSatisfy((s) -> assertThat(victimFinished).contains(s.jobId() + "#" + s.attempt()));
		assertThat(returned).as("unfinished jobs handed back: exactly its long jobs")
			.isNotEmpty()
			.allSatisfy((id) -> assertThat(longJobs).contains(id));
		assertThat(returnedAttempts).as("a returned job's attempt is not counted").containsOnly(1);
		assertThat(restartedWithin).as("SIGTERM → returned jobs running again (ms), not after the lease")
			.isLessThanOrEqualTo(SHUTDOWN_TIMEOUT_MS + 5_000)
			.isLessThan(LEASE_MS);
		assertThat(records.lost(all)).as("jobs never handled").isEmpty();
		assertThat(records.duplicates()).as("jobs run twice").isZero();
		assertThat(records.finishedOnALaterAttempt()).as("jobs recovered by lease expiry or retried").isZero();
		assertThat(state()).isEqualTo(new State(0, 0, 0, 0, 0, 0));

		Guarantees.record(5, "SIGTERM one of 2 worker JVMs under load (shutdown timeout " + seconds(SHUTDOWN_TIMEOUT_MS)
				+ ", lease " + seconds(LEASE_MS) + "): " + finishedInGrace + " in-flight jobs finished, "
				+ returned.size() + " long ones returned", String.format("%,d", all.size()), records.lost(all).size(),
				Long.toString(records.duplicates()),
				"SIGTERM → exit " + seconds(exitedAt - sigtermAt) + "; returned jobs running again on the other JVM after "
						+ seconds(restartedWithin) + " (no lease wait)",
				GracefulDeployIT.class);
	}

}
