package io.asyncqueue.benchmark.jobrunr;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.ApplyStateFilter;
import org.jobrunr.jobs.filters.RetryFilter;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.asyncqueue.benchmark.Args;
import io.asyncqueue.benchmark.BlockingPeer;
import io.asyncqueue.benchmark.DrainClock;
import io.asyncqueue.benchmark.Pace;
import io.asyncqueue.benchmark.Protocol;
import io.asyncqueue.benchmark.Scenarios;
import io.asyncqueue.benchmark.Stats;
import io.asyncqueue.benchmark.Work;

/**
 * JobRunr adapter of the queue-benchmark harness: a small Spring Boot 4 app with
 * {@code jobrunr-spring-boot-4-starter} on PostgreSQL, one scenario per process.
 *
 * <pre>java -jar jobrunr-peer.jar drain pgPort=5433 jobs=100000 concurrency=8 tuned=true</pre>
 *
 * Same scenarios, arguments and protocol as the other adapters (see queue-benchmark/README.md). JobRunr
 * runs at its defaults except: the background job server on (off by default), its worker count where a
 * scenario sets a concurrency, its anonymous usage data off (no traffic leaves 127.0.0.1), and with
 * {@code tuned=true} its poll interval at the smallest it accepts on SQL storage, 5 s instead of 15 s.
 * Any argument with a dot ({@code jobrunr.*}, {@code spring.*}) is passed to Spring as a property.
 */
@SpringBootApplication
public class JobRunrPeer extends BlockingPeer<BenchRequest> {

	/** JobRunr's smallest supported poll interval on a SQL database ("otherwise it will cause too much load"). */
	static final int TUNED_POLL_INTERVAL_SECONDS = 5;

	private static volatile Runnable onCompleted = () -> {
	};


	private ConfigurableApplicationContext context;

	private JobRequestScheduler scheduler;

	private BackgroundJobServer server;

	private JdbcTemplate jdbc;

	private int pollIntervalSeconds;

	private String threads;

	private JobRunrPeer(Args args) {
		super(args);
	}

	/** Spring's constructor. */
	public JobRunrPeer() {
		super(null);
	}

	public static void main(String[] argv) {
		JobRunrPeer peer = new JobRunrPeer(Args.parse(argv));
		Protocol.runAndExit(peer.args.scenario(), peer::run, () -> {
			if (peer.context != null) {
				peer.context.close();
			}
		});
	}

	private Map<String, Object> run() throws Exception {
		boolean tuned = "true".equals(this.args.string("tuned", "false"));
		this.pollIntervalSeconds = tuned ? TUNED_POLL_INTERVAL_SECONDS : 15;
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + integer("pgPort", 5432) + "/"
				+ this.args.string("pgDatabase", "bench"));
		properties.put("spring.datasource.username", this.args.string("pgUser", "bench"));
		properties.put("jobrunr.background-job-server.enabled", "true");
		properties.put("jobrunr.miscellaneous.allow-anonymous-data-usage", "false");
		if (integer("concurrency", 0) > 0) {
			properties.put("jobrunr.background-job-server.worker-count", integer("concurrency", 0));
		}
		if (tuned) {
			properties.put("jobrunr.background-job-server.poll-interval-in-seconds", TUNED_POLL_INTERVAL_SECONDS);
		}
		// JobRunr's own default: virtual threads on Java 21+, platform threads before; said explicitly here.
		this.threads = ("virtual".equals(this.args.string("threads", "")) && Runtime.version().feature() >= 21) ? "virtual"
				: "platform";
		properties.put("jobrunr.background-job-server.thread-type",
				this.threads.equals("virtual") ? "VirtualThreads" : "PlatformThreads");
		SpringApplication application = new SpringApplication(JobRunrPeer.class);
		application.setDefaultProperties(springProperties(properties));
		this.context = application.run();
		this.scheduler = this.context.getBean(JobRequestScheduler.class);
		this.server = this.context.getBean(BackgroundJobServer.class);
		this.jdbc = this.context.getBean(JdbcTemplate.class);
		// Completed = its SUCCEEDED state saved: state filters run after the storage provider's save.
		this.server.setJobFilters(List.of(new RetryFilter(), new ApplyStateFilter() {
			@Override
			public void onStateApplied(Job job, JobState oldState, JobState newState) {
				if (newState.getName() == StateName.SUCCEEDED) {
					onCompleted.run();
				}
			}
		}));
		// No worker takes jobs while a scenario only pushes: the server starts with the app, so pause it.
		if (this.args.scenario().startsWith("push") || this.args.scenario().equals("fill")) {
			pauseProcessing();
		}
		return switch (this.args.scenario()) {
			case "push-single" -> pushSingle();
			case "push-threads" -> pushThreads();
			case "push-batch" -> Scenarios.pushBatch(this.args, this::enqueueBatch);
			case "drain" -> drain();
			case "latency" -> latency();
			case "delayed" -> delayed();
			case "fill" -> fill();
			case "idle" -> idle();
			default -> throw new IllegalArgumentException("unknown scenario " + this.args.scenario());
		};
	}

	private void pauseProcessing() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try {
				this.server.pauseProcessing();
				return;
			}
			catch (IllegalStateException ex) {
				// not started yet: the starter starts it in the background
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	private long count(String state) {
		Long count = this.jdbc.queryForObject("select count(*) from jobrunr_jobs where state = ?", Long.class, state);
		return (count != null) ? count : -1;
	}

	@Override
	protected BenchRequest job(int i, long t, long dueMicros, String data) {
		BenchRequest request = BenchRequest.of(i);
		request.setT(t);
		request.setDue(dueMicros);
		request.setData(data);
		return request;
	}

	@Override
	protected void push(BenchRequest request) {
		this.scheduler.enqueue(request);
	}

	@Override
	protected void pushIn(BenchRequest request, int delayMs) {
		this.scheduler.schedule(Instant.ofEpochSecond(0, request.getDue() * 1000), request);
	}

	@Override
	protected void onStarted(Started handler) {
		BenchHandler.handler = (request) -> handler.started(request.getI(), request.getT(), request.getDue());
	}

	/** The server runs from the app's start (and picks up new jobs when it polls). */
	@Override
	protected void startConsuming() {
	}

	@Override
	protected void stopConsuming() {
		this.server.pauseProcessing();
	}

	/**
	 * Two poll intervals: JobRunr picks up newly enqueued jobs when it polls (every 15 s by default), and a
	 * scheduled job is first moved to the enqueued jobs by one poll and then picked up, so a job can wait that
	 * long without being lost.
	 */
	@Override
	protected long extraTailMillis() {
		return 2 * this.pollIntervalSeconds * 1000L;
	}

	@Override
	protected void fillPush(int jobs, String data) throws InterruptedException {
		Scenarios.inBatches(this::enqueueBatch).push(jobs, data);
	}

	// ---------------------------------------------------------------- push

	/** JobRunr's bulk enqueue: {@code enqueue(Stream<JobRequest>)} saves the jobs in batches. */
	private void enqueueBatch(int from, int size, String data) {
		this.scheduler.enqueue(IntStream.range(from, from + size).mapToObj((i) -> {
			BenchRequest request = BenchRequest.of(i);
			request.setData(data);
			return request;
		}));
	}

	// ---------------------------------------------------------------- drain

	private Map<String, Object> drain() throws InterruptedException {
		DrainClock clock = new DrainClock(this.args);
		// JobRunr runs at most a few thousand no-op jobs/s here, so its warm-up ends by time: more than 20 000
		// warm-up jobs would only make its prefill (a few thousand rows/s) longer.
		int total = clock.total(20_000);
		Runnable work = Work.of(this.args);
		BenchHandler.handler = (request) -> work.run();
		pauseProcessing();
		long prefillStart = System.nanoTime();
		for (int n = 0; n < total; n += 1000) {
			enqueueBatch(n, Math.min(1000, total - n), null);
		}
		double prefillSeconds = (System.nanoTime() - prefillStart) / 1e9;
		long waiting = count("ENQUEUED");
		if (waiting != total) {
			throw new IllegalStateException("expected " + total + " enqueued jobs after the prefill, found " + waiting);
		}
		// A resumed server looks for work at its next poll (up to 15 s later), and then whenever a worker frees
		// up: its drain, warm-up included, starts with its first completed job, not with the wait for that poll.
		AtomicBoolean first = new AtomicBoolean(true);
		onCompleted = () -> {
			if (first.compareAndSet(true, false)) {
				clock.begin();
			}
			clock.completed();
		};
		this.server.resumeProcessing();
		Map<String, Object> figures = clock.await();
		this.server.pauseProcessing();
		figures.put("concurrency", integer("concurrency", 8));
		figures.put("prefillRate", Stats.round(total / prefillSeconds, 1));
		figures.put("leftWaiting", count("ENQUEUED"));
		figures.put("threads", this.threads + " on Java " + Runtime.version().feature());
		return figures;
	}

	// ---------------------------------------------------------------- idle (measured by the driver)

	private Map<String, Object> idle() throws Exception {
		Protocol.event("ready");
		Protocol.await("stop");
		Map<String, Object> figures = new LinkedHashMap<>();
		// JobRunr (open source) has no named queues: one background job server polls for every job.
		figures.put("queues", 1);
		figures.put("settings", "one BackgroundJobServer, poll interval " + this.pollIntervalSeconds + " s");
		return figures;
	}

}
