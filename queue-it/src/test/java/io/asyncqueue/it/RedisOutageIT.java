package io.asyncqueue.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.KillArgs;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.it.WorkerMain.Work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2: in the middle of a run, every client connection is dropped (CLIENT KILL TYPE normal), then
 * Redis (appendonly yes) is stopped for several seconds and started again. No job is lost, consumers resume
 * within 5 s of Redis coming back, and pushes during the outage fail loudly and leave nothing behind.
 */
@ItSupport.AppendOnly
class RedisOutageIT extends ItSupport {

	static final int JOBS = 20_000;

	static final int CONCURRENCY = 8;

	static final long LEASE_MS = 10_000;

	/** Longer than the consumers' largest backoff (5 s), so that they reach it. */
	static final long OUTAGE_MS = 6_500;

	/** The pusher's numbers start here, so its jobs are told apart from the pre-pushed ones. */
	static final int PUSHER_FIRST_N = 1_000_000;

	@Test
	void droppedConnectionsAndARedisRestartLoseNothing() throws Exception {
		Map<String, String> options = Map.of("concurrency", Integer.toString(CONCURRENCY), "lease-ms",
				Long.toString(LEASE_MS), "backoff-ms", "0");
		List<String> expected = new ArrayList<>(pushWork(JOBS, 0, 3));
		startWorkers(options, "w1", "w2");

		Pusher pusher = new Pusher();
		pusher.start();
		try {
			// 1. Every normal client connection dropped at once: workers' shared, blocking and recording
			// connections, and the pusher's.
			awaitHandled(3_000, Duration.ofSeconds(120));
			long clientKillAt = System.currentTimeMillis();
			long killed = admin().clientKill(KillArgs.Builder.typeNormal());
			awaitHandled(7_000, Duration.ofSeconds(120));

			// 2. Redis stopped (SHUTDOWN NOSAVE flushes the append-only file) and started again on the same port.
			long stopAt = System.currentTimeMillis();
			server.stop();
			long stoppedAt = System.currentTimeMillis();
			List<Long> outagePushMillis = new ArrayList<>();
			List<Throwable> outagePushFailures = new ArrayList<>();
			int outagePushes = 0;
			while (System.currentTimeMillis() - stoppedAt < OUTAGE_MS && outagePushes < 50) {
				outagePushes++;
				long pushStart = System.nanoTime();
				try {
					this.client.push(this.queue, "work", new Work(-outagePushes, 0));
				}
				catch (RuntimeException ex) {
					outagePushFailures.add(ex);
				}
				outagePushMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pushStart));
				Thread.sleep(250);
			}
			server.startAgain();
			long backAt = System.currentTimeMillis();
			State afterRestart = state();

			// Let the pusher run a little longer with Redis back, then stop it (it is bounded anyway).
			Thread.sleep(2_000);
			pusher.stop();
			expected.addAll(pusher.pushed);
			// A push the pusher saw fail may still be handled when it failed in flight (documented: Redis ran it,
			// the reply was lost); counted once the queue is empty, and checked against how each failure came.
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
				.until(() -> handledCount() >= expected.size() && state().pending() == 0);
			long end = System.currentTimeMillis();

			Records records = records();
			Set<String> lost = records.lost(expected);
			long duplicates = records.duplicates();
			Map<String, Long> resumeAfterKill = new java.util.TreeMap<>();
			Map<String, Long> resumeAfterRestart = new java.util.TreeMap<>();
			for (String worker : List.of("w1", "w2")) {
				resumeAfterKill.put(worker, records.firstStartAtOrAfter(worker, clientKillAt).orElseThrow() - clientKillAt);
				resumeAfterRestart.put(worker, records.firstStartAtOrAfter(worker, backAt).orElseThrow() - backAt);
			}
			long worstResume = resumeAfterRestart.values().stream().mapToLong(Long::longValue).max().getAsLong();
			Set<Integer> executedNumbers = new HashSet<>(records.payloadNumbers());
			Set<Integer> leakedOutagePushes = new HashSet<>();
			for (int i = 1; i <= outagePushes; i++) {
				if (executedNumbers.contains(-i)) {
					leakedOutagePushes.add(-i);
				}
			}
			Set<Integer> leakedPusherFailures = new HashSet<>(pusher.failed.keySet());
			leakedPusherFailures.retainAll(executedNumbers);
			Set<Integer> leakedRejections = new HashSet<>(leakedPusherFailures);
			leakedRejections.removeAll(pusher.inFlight);

			// Jobs that ran on a later attempt were fetched before: a fetch whose reply the CLIENT KILL or the
			// shutdown cut off (reserved by nobody until the lease expired), or a lease that expired during the outage.
			Map<String, Long> laterAttemptStarts = new java.util.TreeMap<>();
			records.finished.stream().filter((f) -> f.attempt() > 1).forEach((f) -> laterAttemptStarts.merge(f.jobId(),
					f.startMs(), Math::min));
			List<String> laterAttempts = laterAttemptStarts.values().stream().sorted()
				.map((t) -> "kill+" + seconds(t - clientKillAt) + "/back+" + seconds(t - backAt)).distinct().toList();
			log("CLIENT KILL dropped %d connections; consumers resumed after %s ms", killed, resumeAfterKill);
			log("%d job(s) ran on a later attempt, starting at %s", laterAttemptStarts.size(), laterAttempts);
			log("Redis stopped in %d ms, down %s; %d pushes during the outage, %d failed (%s), each within %s ms;"
					+ " after restart: %s", stoppedAt - stopAt, seconds(backAt - stoppedAt), outagePushes,
					outagePushFailures.size(),
					outagePushFailures.stream().map((ex) -> ex.getClass().getSimpleName()).distinct().toList(),
					outagePushMillis.stream().mapToLong(Long::longValue).max().orElse(0), afterRestart);
			log("consumers resumed %s ms after Redis was back; pusher: %d pushed, %d failed (%s), %d of them in flight,"
					+ " %d of those written anyway", resumeAfterRestart, pusher.pushed.size(), pusher.failed.size(),
					pusher.failed.values().stream().distinct().toList(), pusher.inFlight.size(),
					leakedPusherFailures.size());
			log("%d jobs in %s; lost %d; duplicates %d (jobs %s); %d finished on a later attempt; per worker %s",
					expected.size(), seconds(end - stopAt), lost.size(), duplicates, records.duplicatedJobs(),
					records.finishedOnALaterAttempt(), records.perWorker());

			assertThat(killed).as("connections dropped by CLIENT KILL").isGreaterThanOrEqualTo(4);
			assertThat(afterRestart.consistent()).as("every stored job is in exactly one state after the restart: %s",
					afterRestart).isTrue();
			assertThat(afterRestart.envelopes()).as("the append-only file brought the jobs back").isPositive();
			assertThat(outagePushFailures).as("every push during the outage failed").hasSize(outagePushes)
				.allSatisfy((ex) -> assertThat(ex).isInstanceOf(QueueException.class));
			assertThat(pusher.failed).as("the background pusher saw failures during the outage").isNotEmpty();
			assertThat(pusher.unexpected).as("push failures that were not QueueException").isEmpty();
			assertThat(leakedOutagePushes).as("pushes that failed but ran anyway").isEmpty();
			assertThat(leakedRejections).as("pusher's pushes rejected while disconnected that ran anyway").isEmpty();
			assertThat(handledCount()).as("distinct jobs handled: the pushes that succeeded, plus failed-in-flight"
					+ " ones that had been written").isEqualTo(expected.size() + leakedPusherFailures.size());
			assertThat(lost).as("jobs never handled").isEmpty();
			assertThat(state()).as("queue after the run: nothing left, nothing half-written")
				.isEqualTo(new State(0, 0, 0, 0, 0, 0));
			// At least once: only jobs in flight at one of the two disruptions may have run twice: per worker, the
			// jobs it held reserved (running or fetched ahead: concurrency + prefetch) and acks not yet in Redis.
			// (the workers run at the default prefetch: as many as the concurrency)
			assertThat(duplicates).isLessThanOrEqualTo(2L * 2 * (CONCURRENCY + CONCURRENCY));
			assertThat(resumeAfterKill.values()).as("ms from CLIENT KILL to each worker's next job")
				.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(10_000));
			// The consumers' backoff is capped at 1 s; plus Lettuce's reconnect and a wide margin for this noisy machine.
			// (It was 5 s when this bound was set; the bound stays.)
			assertThat(worstResume).as("ms from Redis back to each worker's first new job")
				.isLessThanOrEqualTo(5_000 + 3_000);

			Guarantees.record(2, "CLIENT KILL TYPE normal, then Redis (appendonly yes) down " + seconds(backAt - stoppedAt)
					+ ", 2 worker JVMs (concurrency " + CONCURRENCY + ") and a pusher running; "
					+ outagePushFailures.size() + "/" + outagePushes + " pushes during the outage threw QueueException"
					+ " (" + atMost(outagePushMillis.stream().mapToLong(Long::longValue).max().orElse(0))
					+ " each), none written", String.format("%,d", expected.size()), lost.size(),
					Long.toString(duplicates),
					"CLIENT KILL → next job: ≤ " + resumeAfterKill.values().stream().mapToLong(Long::longValue).max()
						.getAsLong() + " ms; Redis back → every consumer running jobs again: ≤ " + seconds(worstResume)
							+ " (bound 8 s); " + laterAttemptStarts.size() + " job(s) whose fetch reply or lease was cut"
							+ " off came back after their lease (" + seconds(LEASE_MS) + ")",
					RedisOutageIT.class);
		}
		finally {
			pusher.stop();
		}
	}

	private static String atMost(long millis) {
		return (millis == 0) ? "< 1 ms" : "≤ " + millis + " ms";
	}

	/** Lettuce refuses a command at once while disconnected: such a push never reached Redis. */
	static boolean rejectedWhileDisconnected(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (String.valueOf(cause.getMessage()).contains("Commands are rejected")) {
				return true;
			}
		}
		return false;
	}

	/** Pushes one job every 10 ms, at most 3000 and for at most 2 minutes, noting what failed. */
	final class Pusher implements Runnable {

		final List<String> pushed = new CopyOnWriteArrayList<>();

		final Map<Integer, String> failed = new ConcurrentHashMap<>();

		/** Failed pushes that had been sent (timed out or cut off): Redis may have run them. */
		final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();

		final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread = new Thread(this, "it-pusher");

		void start() {
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
		}

		@Override
		public void run() {
			long deadline = System.currentTimeMillis() + 120_000;
			for (int i = 0; i < 3_000 && this.running.get() && System.currentTimeMillis() < deadline; i++) {
				int n = PUSHER_FIRST_N + i;
				try {
					this.pushed.add(RedisOutageIT.this.client.push(RedisOutageIT.this.queue, "work", new Work(n, 3)).id());
				}
				catch (QueueException ex) {
					this.failed.put(n, ex.getClass().getSimpleName());
					if (!rejectedWhileDisconnected(ex)) {
						this.inFlight.add(n);
					}
				}
				catch (RuntimeException ex) {
					this.failed.put(n, ex.getClass().getSimpleName());
					this.unexpected.add(ex);
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

	}

}
