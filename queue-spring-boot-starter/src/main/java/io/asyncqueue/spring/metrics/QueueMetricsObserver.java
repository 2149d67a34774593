package io.asyncqueue.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.UnreadableJobException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Counts jobs and times them, as a {@link QueueObserver} of every consumer:
 *
 * <ul>
 * <li>{@code asyncqueue.jobs} (counter; tags {@code queue}, {@code job}, {@code outcome}): executions by
 * how they ended ({@code success}, {@code retried}, {@code failed}, {@code timed_out}, {@code requeued},
 * {@code dropped}, {@code released}, {@code lease_lost}), plus jobs this process found {@code stalled}
 * (their worker died; tagged {@code job=unknown}) and unreadable jobs parked as {@code failed} (tagged
 * {@code job=unknown}, whatever name they carry);</li>
 * <li>{@code asyncqueue.job.duration} (timer; tags {@code queue}, {@code job}, {@code outcome}): how long
 * each execution ran;</li>
 * <li>{@code asyncqueue.job.wait} (timer; tags {@code queue}, {@code job}): from the push to the start of
 * the first attempt, by the producer's and this process's clocks; includes a requested delay.</li>
 * </ul>
 *
 * Meters are created once per queue, job and outcome, and cached. Tag values never come from Redis
 * data: the {@code job} tag is the name of a job this application handles, or {@code unknown}, so the
 * number of time series is bounded by the application's own jobs.
 *
 * @since 0.1.0
 */
public class QueueMetricsObserver implements QueueObserver {

	/** The counter of jobs by outcome. */
	public static final String JOBS = "asyncqueue.jobs";

	/** The timer of executions. */
	public static final String DURATION = "asyncqueue.job.duration";

	/** The timer of the wait from push to first start. */
	public static final String WAIT = "asyncqueue.job.wait";

	static final String UNKNOWN_JOB = "unknown";

	static final String STALLED = "stalled";

	private final MeterRegistry registry;

	private final boolean histogram;

	private final Map<String, Map<String, JobMeters>> meters = new ConcurrentHashMap<>();

	private final Map<String, Counter> stalled = new ConcurrentHashMap<>();

	/**
	 * A listener that registers its meters in the given registry.
	 * @param registry the registry
	 * @param histogram whether the timers publish percentile histograms
	 */
	public QueueMetricsObserver(MeterRegistry registry, boolean histogram) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.histogram = histogram;
	}

	/**
	 * The tag value of an outcome.
	 * @param outcome the outcome
	 * @return {@code success} for {@link JobOutcome#SUCCEEDED}, else the lower-case name
	 */
	public static String outcome(JobOutcome outcome) {
		return (outcome == JobOutcome.SUCCEEDED) ? "success" : outcome.name().toLowerCase(Locale.ROOT);
	}

	@Override
	public void beforeHandle(JobInfo job) {
		if (job.attempt() != 1) {
			return;
		}
		long waited = System.currentTimeMillis() - job.pushedAt().toEpochMilli();
		meters(job.queue(), job.jobName()).waitTimer.record(Duration.ofMillis(Math.max(waited, 0)));
	}

	@Override
	public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, @Nullable Throwable failure) {
		JobMeters meters = meters(job.queue(), job.jobName());
		meters.counter(outcome).increment();
		meters.timer(outcome).record(duration);
	}

	@Override
	public void unreadable(JobInfo job, UnreadableJobException reason) {
		// no handler ran, so no afterHandle counts it; its name is whatever Redis held (a job this application
		// does not know, or garbage): as a tag value it would make one time series per name. A handler that
		// throws UnreadableJobException itself is counted once, under its job, by afterHandle.
		meters(job.queue(), UNKNOWN_JOB).counter(JobOutcome.FAILED).increment();
	}

	@Override
	public void stalled(String queue, List<String> recovered, List<String> failed) {
		int count = recovered.size() + failed.size();
		if (count > 0) {
			this.stalled
				.computeIfAbsent(queue,
						(name) -> Counter.builder(JOBS)
							.description("Jobs by how their execution ended")
							.tags(Tags.of("queue", name, "job", UNKNOWN_JOB, "outcome", STALLED))
							.register(this.registry))
				.increment(count);
		}
	}

	private JobMeters meters(String queue, @Nullable String jobName) {
		String job = (jobName != null) ? jobName : UNKNOWN_JOB;
		return this.meters.computeIfAbsent(queue, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(job, (name) -> new JobMeters(queue, name));
	}

	private final class JobMeters {

		private final Tags tags;

		private final Timer waitTimer;

		private final Map<JobOutcome, Counter> counters = new ConcurrentHashMap<>();

		private final Map<JobOutcome, Timer> timers = new ConcurrentHashMap<>();

		JobMeters(String queue, String job) {
			this.tags = Tags.of("queue", queue, "job", job);
			this.waitTimer = Timer.builder(WAIT)
				.description("Time from a job's push to the start of its first attempt")
				.tags(this.tags)
				.publishPercentileHistogram(QueueMetricsObserver.this.histogram)
				.register(QueueMetricsObserver.this.registry);
		}

		Counter counter(JobOutcome outcome) {
			return this.counters.computeIfAbsent(outcome,
					(key) -> Counter.builder(JOBS)
						.description("Jobs by how their execution ended")
						.tags(this.tags.and("outcome", outcome(key)))
						.register(QueueMetricsObserver.this.registry));
		}

		Timer timer(JobOutcome outcome) {
			return this.timers.computeIfAbsent(outcome,
					(key) -> Timer.builder(DURATION)
						.description("Time a job's handler ran, by outcome")
						.tags(this.tags.and("outcome", outcome(key)))
						.publishPercentileHistogram(QueueMetricsObserver.this.histogram)
						.register(QueueMetricsObserver.this.registry));
		}

	}

}
