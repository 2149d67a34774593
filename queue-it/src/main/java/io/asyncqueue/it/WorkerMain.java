package io.asyncqueue.it;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.schedule.MisfirePolicy;
import io.asyncqueue.core.schedule.QueueScheduler;
import io.asyncqueue.core.schedule.Schedule;
import io.asyncqueue.core.schedule.Ticks;

/**
 * A tiny worker application for the integration suite: one {@link QueueWorker} on one queue, built on
 * queue-core alone, whose handlers record every execution in Redis itself (see {@link Recorder}) so that
 * a test can count executions per job even after this process was killed with SIGKILL.
 *
 * <p>Arguments are {@code key=value} pairs:
 * <pre>
 * redis=redis://127.0.0.1:6379  queue=q  worker=w1  concurrency=16  consumers=1  lease-ms=30000
 * handle-timeout-ms=10000  shutdown-timeout-ms=30000  max-attempts=3  backoff-ms=0  record-starts=false
 * max-life-s=600  global-concurrency=0  rate-max=(none)  rate-period-ms=1000
 * </pre>
 *
 * <p>With {@code schedule=<name>} it also runs a {@link QueueScheduler} with one schedule that pushes a
 * {@code tick} job every {@code schedule-rate-ms} (1000) to the queue {@code schedule-queue} (which nobody
 * consumes, so a test reads every pushed job), with {@code schedule-misfire} ({@code fire-once} or
 * {@code skip}) and {@code schedule-threshold-ms} (5000).
 *
 * <p>Jobs it knows (all on the one queue): {@code work} ({@link Work}: sleeps {@code sleepMs}, interruptibly,
 * then records), {@code order} ({@link Order}: records), {@code explode} (recurses until a
 * {@link StackOverflowError}), {@code hang} ({@link Work}: busy for {@code sleepMs} ignoring interrupts,
 * records nothing), {@code timed} (like {@code work}, recording when the job was reserved, started and ended
 * by Redis's clock: {@link Recorder#timed}).
 *
 * <p>It prints {@code IT-EVENT READY <epoch-ms>} once consuming. A shutdown hook calls
 * {@link QueueWorker#stop()}, so SIGTERM is a graceful deploy: it prints {@code IT-EVENT STOPPING <epoch-ms>}
 * before and {@code IT-EVENT STOPPED <epoch-ms>} after. It exits by itself when the process that started
 * it dies, or after {@code max-life-s}, so it never outlives a test run.
 */
public final class WorkerMain {

	/** The line prefix of the events a test waits for. */
	public static final String EVENT = "IT-EVENT ";

	private static final Logger logger = LoggerFactory.getLogger(WorkerMain.class);

	private WorkerMain() {
	}

	/** Logs what a test may want to explain afterwards: retries, failures, lost leases. */
	static final class LoggingObserver implements QueueObserver {

		@Override
		public void retrying(JobInfo job, Throwable failure, java.time.Instant nextAttemptAt) {
			logger.info("job {} ({}) attempt {} failed, retrying: {}", job.id(), job.jobName(), job.attempt(),
					failure.toString());
		}

		@Override
		public void failed(JobInfo job, Throwable failure) {
			logger.info("job {} ({}) failed for good on attempt {}: {}", job.id(), job.jobName(), job.attempt(),
					failure.toString());
		}

		@Override
		public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
			if (outcome == JobOutcome.LEASE_LOST || outcome == JobOutcome.RELEASED) {
				logger.info("job {} ({}) attempt {}: {} after {} ms", job.id(), job.jobName(), job.attempt(), outcome,
						duration.toMillis());
			}
		}

	}

	/** A job's payload: a sequence number and how long the handler works. */
	public record Work(int n, long sleepMs) {
	}

	/** The current shape of the {@code order} payload (an older producer sent {@code quantity} as an object). */
	public record Order(String id, int quantity) {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		String uri = required(options, "redis");
		String queue = required(options, "queue");
		String workerId = required(options, "worker");
		QueueSettings settings = QueueSettings.builder(queue)
			.concurrency(intOption(options, "concurrency", 16))
			.consumers(intOption(options, "consumers", 1))
			.leaseDuration(Duration.ofMillis(longOption(options, "lease-ms", 30_000)))
			.handleTimeout(Duration.ofMillis(longOption(options, "handle-timeout-ms", 10_000)))
			.shutdownTimeout(Duration.ofMillis(longOption(options, "shutdown-timeout-ms", 30_000)))
			.maxAttempts(intOption(options, "max-attempts", 3))
			.retryBackoff(RetryBackoff.fixed(Duration.ofMillis(longOption(options, "backoff-ms", 0))))
			.globalConcurrency(intOption(options, "global-concurrency", 0))
			.rateLimit(options.containsKey("rate-max") ? RateLimit.of(intOption(options, "rate-max", 0),
					Duration.ofMillis(longOption(options, "rate-period-ms", 1000))) : null)
			.build();
		boolean recordStarts = Boolean.parseBoolean(options.getOrDefault("record-starts", "false"));
		long maxLifeMillis = TimeUnit.SECONDS.toMillis(longOption(options, "max-life-s", 600));

		RedisConnector redis = RedisConnector.create(uri);
		Recorder recorder = new Recorder(uri, queue, workerId, recordStarts);
		QueueWorker worker = QueueWorker.builder(settings, redis)
			.serializer(new JobSerializer())
			.observer(new LoggingObserver())
			.job("work", Work.class, (work, context) -> {
				Recorder.Execution started = recorder.started(context, work.n());
				if (work.sleepMs() > 0) {
					Thread.sleep(work.sleepMs());
				}
				recorder.finished(context, work.n(), started);
			})
			.job("timed", Work.class, (work, context) -> recorder.timed(context,
					QueueKeys.of(settings.channel()).reserved(), settings.leaseDuration().toMillis(), work.n(),
					work.sleepMs()))
			.job("order", Order.class, (order, context) -> {
				Recorder.Execution started = recorder.started(context, -1);
				recorder.finished(context, -1, started);
			})
			.job("explode", Work.class, (work, context) -> {
				recorder.started(context, work.n());
				recurse(work.n());
			})
			.job("hang", Work.class, (work, context) -> {
				recorder.started(context, work.n());
				hangIgnoringInterrupts(work.sleepMs());
			})
			.build();

		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			event("STOPPING");
			try {
				worker.stop();
			}
			finally {
				event("STOPPED");
				recorder.close();
				redis.close();
			}
		}, "it-graceful-stop"));

		QueueScheduler scheduler = scheduler(options, redis);
		worker.start();
		if (scheduler != null) {
			scheduler.start();
		}
		event("READY", "pid=" + ProcessHandle.current().pid() + " worker=" + workerId + " " + settings);

		// Never outlive the test that started us: not by more than a second after it dies, nor past max-life.
		ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
		long deadline = System.currentTimeMillis() + maxLifeMillis;
		while (System.currentTimeMillis() < deadline) {
			Thread.sleep(500);
			if (parent != null && !parent.isAlive()) {
				event("PARENT-GONE");
				System.exit(2);
			}
		}
		event("MAX-LIFE");
		System.exit(3);
	}

	private static QueueScheduler scheduler(Map<String, String> options, RedisConnector redis) {
		String name = options.get("schedule");
		if (name == null) {
			return null;
		}
		String queue = required(options, "schedule-queue");
		Duration rate = Duration.ofMillis(longOption(options, "schedule-rate-ms", 1000));
		MisfirePolicy misfire = MisfirePolicy
			.valueOf(options.getOrDefault("schedule-misfire", "fire-once").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
		Schedule schedule = new Schedule(name, queue, "tick", null, Ticks.fixedRate(rate), "every " + rate.toMillis() + "ms", misfire,
				Duration.ofMillis(longOption(options, "schedule-threshold-ms", 5000)));
		return new QueueScheduler(redis, new JobSerializer(), Queues.of(QueueSettings.defaults(queue)), List.of(schedule));
	}

	static void event(String name) {
		event(name, "");
	}

	/** Prints {@code IT-EVENT <name> <epoch-ms> <detail>} and flushes. */
	static void event(String name, String detail) {
		PrintStream out = System.out;
		out.println(EVENT + name + " " + System.currentTimeMillis() + (detail.isEmpty() ? "" : " " + detail));
		out.flush();
	}

	private static int recurse(int depth) {
		return recurse(depth + 1) + 1;
	}

	private static void hangIgnoringInterrupts(long millis) {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < end) {
			try {
				Thread.sleep(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
			}
			catch (InterruptedException ex) {
				// ignored on purpose: this handler hangs through interrupts
			}
		}
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			if (eq <= 0) {
				throw new IllegalArgumentException("Expected key=value, got '" + arg + "'");
			}
			options.put(arg.substring(0, eq), arg.substring(eq + 1));
		}
		return options;
	}

	private static String required(Map<String, String> options, String key) {
		String value = options.get(key);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("Missing " + key + "=...");
		}
		return value;
	}

	private static int intOption(Map<String, String> options, String key, int fallback) {
		return options.containsKey(key) ? Integer.parseInt(options.get(key)) : fallback;
	}

	private static long longOption(Map<String, String> options, String key, long fallback) {
		return options.containsKey(key) ? Long.parseLong(options.get(key)) : fallback;
	}

}
