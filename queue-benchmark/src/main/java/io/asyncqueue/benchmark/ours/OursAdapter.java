package io.asyncqueue.benchmark.ours;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.asyncqueue.benchmark.Args;
import io.asyncqueue.benchmark.Pace;
import io.asyncqueue.benchmark.Protocol;
import io.asyncqueue.benchmark.Scenarios;
import io.asyncqueue.benchmark.StartLog;
import io.asyncqueue.benchmark.Stats;
import io.asyncqueue.benchmark.DrainClock;
import io.asyncqueue.benchmark.Work;
import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.PushOptions;
import io.asyncqueue.core.PushRequest;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueObserver;
import io.asyncqueue.core.QueueOperations;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.QueueWorker;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * The OURS adapter: queue-core used directly, one scenario per process.
 *
 * <pre>java -cp ... io.asyncqueue.benchmark.ours.OursAdapter drain port=6400 jobs=100000 concurrency=8</pre>
 *
 * Scenarios and their arguments are the same for every adapter; see the README.
 */
public final class OursAdapter {

	private static final String JOB = "noop";

	private final Args args;

	private final String queue;

	private final RedisConnector redis;

	private final JobSerializer serializer = new JobSerializer();

	private OursAdapter(Args args, RedisConnector redis) {
		this.args = args;
		this.queue = args.string("queue", "bench");
		this.redis = redis;
	}

	public static void main(String[] argv) throws Exception {
		Args args = Args.parse(argv);
		int code = 0;
		try (RedisConnector redis = RedisConnector.create("redis://127.0.0.1:" + args.port())) {
			OursAdapter adapter = new OursAdapter(args, redis);
			Map<String, Object> figures = switch (args.scenario()) {
				case "push-single" -> adapter.pushSingle();
				case "push-threads" -> adapter.pushThreads();
				case "push-batch" -> adapter.pushBatch();
				case "drain" -> adapter.drain();
				case "latency" -> adapter.latency();
				case "delayed" -> adapter.delayed();
				case "fill" -> adapter.fill();
				case "idle" -> adapter.idle();
				case "rate-limit" -> adapter.rateLimit();
				default -> throw new IllegalArgumentException("unknown scenario " + args.scenario());
			};
			Protocol.result(args.scenario(), figures);
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			Protocol.emit(Map.of("event", "error", "message", String.valueOf(ex)));
			code = 1;
		}
		System.exit(code);
	}

	private QueueSettings settings(String name, int concurrency) {
		QueueSettings.Builder builder = QueueSettings.builder(name)
			.concurrency(concurrency)
			.fetchBatchSize(32)
			// unset: the engine's default (as many as the concurrency)
			.prefetch(this.args.string("prefetch", "").isEmpty() ? null : this.args.integer("prefetch", 0))
			// 0 (no per-job timer) unless asked: the peers have none either; handleTimeoutMs=10000 is our default
			.handleTimeout(Duration.ofMillis(this.args.integer("handleTimeoutMs", 0)))
			.shutdownTimeout(Duration.ofSeconds(5));
		return withLimits(builder).build();
	}

	/**
	 * The flow limits of issue 14, none unless asked: {@code globalConcurrency=8} (the cluster-wide slot check)
	 * and {@code rateMax=100 ratePeriodMs=1000} (the sliding log of starts).
	 */
	private QueueSettings.Builder withLimits(QueueSettings.Builder builder) {
		int rateMax = this.args.integer("rateMax", 0);
		return builder.globalConcurrency(this.args.integer("globalConcurrency", 0))
			.rateLimit((rateMax > 0) ? RateLimit.of(rateMax, Duration.ofMillis(this.args.integer("ratePeriodMs", 1000)))
					: null);
	}

	private QueueClient client(QueueSettings settings) {
		return new QueueClient(this.redis, this.serializer, Queues.of(settings));
	}

	// ---------------------------------------------------------------- push

	private Map<String, Object> pushSingle() {
		QueueClient client = client(settings(this.queue, 8));
		int jobs = this.args.integer("jobs", 20_000);
		warmUp(() -> client.push(this.queue, JOB, Map.of("i", -1)));
		long deadline = deadline();
		Protocol.mark("start");
		long start = System.nanoTime();
		int n = 0;
		while (n < jobs && System.nanoTime() < deadline) {
			client.push(this.queue, JOB, Map.of("i", n));
			n++;
		}
		long elapsed = System.nanoTime() - start;
		Protocol.mark("end");
		return Stats.rate(n, elapsed);
	}

	private Map<String, Object> pushThreads() throws InterruptedException {
		QueueClient client = client(settings(this.queue, 8));
		int jobs = this.args.integer("jobs", 50_000);
		int threads = this.args.integer("threads", 32);
		warmUp(() -> client.push(this.queue, JOB, Map.of("i", -1)));
		AtomicInteger tickets = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch go = new CountDownLatch(1);
		long[] deadline = new long[1];
		List<Thread> pool = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				ready.countDown();
				try {
					go.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				int i;
				while ((i = tickets.getAndIncrement()) < jobs && System.nanoTime() < deadline[0]) {
					client.push(this.queue, JOB, Map.of("i", i));
					done.incrementAndGet();
				}
			}, "push-" + t);
			thread.start();
			pool.add(thread);
		}
		ready.await();
		Protocol.mark("start");
		long start = System.nanoTime();
		deadline[0] = deadline();
		go.countDown();
		for (Thread thread : pool) {
			thread.join();
		}
		long elapsed = System.nanoTime() - start;
		Protocol.mark("end");
		Map<String, Object> figures = Stats.rate(done.get(), elapsed);
		figures.put("threads", threads);
		return figures;
	}

	private Map<String, Object> pushBatch() {
		QueueClient client = client(settings(this.queue, 8));
		return Scenarios.pushBatch(this.args, (from, size, data) -> client.pushAll(this.queue, batch(from, size, data)));
	}

	private static List<PushRequest> batch(int from, int size, String data) {
		List<PushRequest> requests = new ArrayList<>(size);
		for (int i = from; i < from + size; i++) {
			requests.add(PushRequest.of(JOB, (data != null) ? Map.of("i", i, "data", data) : Map.of("i", i)));
		}
		return requests;
	}

	// ---------------------------------------------------------------- drain

	private Map<String, Object> drain() throws InterruptedException {
		DrainClock clock = new DrainClock(this.args);
		int total = clock.total();
		int concurrency = this.args.integer("concurrency", 8);
		QueueSettings settings = settings(this.queue, concurrency);
		QueueClient client = client(settings);
		long prefillStart = System.nanoTime();
		for (int n = 0; n < total; n += 1000) {
			client.pushAll(this.queue, batch(n, Math.min(1000, total - n), null));
		}
		double prefillSeconds = (System.nanoTime() - prefillStart) / 1e9;
		QueueOperations operations = new QueueOperations(this.redis, this.serializer, Queues.of(settings));
		long waiting = operations.counts(this.queue).waiting();
		if (waiting != total) {
			throw new IllegalStateException("expected " + total + " waiting jobs after the prefill, found " + waiting);
		}
		Runnable work = Work.of(this.args);
		QueueWorker.Builder builder = QueueWorker.builder(settings, this.redis);
		String threads = "platform";
		if ("virtual".equals(this.args.string("threads", "platform")) && Work.virtualThreads() != null) {
			builder.threadFactory(Work.virtualThreads());
			threads = "virtual";
		}
		QueueWorker worker = builder
			.serializer(this.serializer)
			.job(JOB, Map.class, (payload, context) -> work.run())
			.observer(new QueueObserver() {
				@Override
				public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
					if (outcome == JobOutcome.SUCCEEDED) {
						clock.completed();
					}
				}
			})
			.build();
		clock.begin();
		worker.start();
		Map<String, Object> figures = clock.await();
		worker.stop(Duration.ofSeconds(5));
		QueueCounts counts = operations.counts(this.queue);
		figures.put("concurrency", concurrency);
		figures.put("prefillRate", Stats.round(total / prefillSeconds, 1));
		figures.put("leftWaiting", counts.waiting());
		figures.put("leftReserved", counts.reserved());
		figures.put("threads", threads + " on Java " + Runtime.version().feature());
		return figures;
	}

	// ---------------------------------------------------------------- latency

	private Map<String, Object> latency() throws InterruptedException {
		int rate = this.args.integer("rate", 2000);
		double seconds = this.args.decimal("seconds", 10);
		double warmupSeconds = this.args.decimal("warmup", 2);
		int concurrency = this.args.integer("concurrency", 8);
		int warmup = (int) Math.round(rate * warmupSeconds);
		int total = warmup + (int) Math.round(rate * seconds);
		double[] latencies = new double[total];
		java.util.Arrays.fill(latencies, Double.NaN);
		AtomicInteger started = new AtomicInteger();
		CountDownLatch all = new CountDownLatch(total);
		int primeJobs = this.args.integer("prime", 100);
		CountDownLatch primed = new CountDownLatch(primeJobs);
		QueueSettings settings = settings(this.queue, concurrency);
		QueueClient client = client(settings);
		QueueWorker worker = QueueWorker.builder(settings, this.redis)
			.serializer(this.serializer)
			.job(JOB, Map.class, (payload, context) -> {
				long now = System.nanoTime();
				int i = ((Number) payload.get("i")).intValue();
				if (i < 0) {
					primed.countDown();
					return;
				}
				long t = ((Number) payload.get("t")).longValue();
				latencies[i] = (now - t) / 1e6;
				started.incrementAndGet();
				all.countDown();
			})
			.build();
		worker.start();
		prime(client, primeJobs, primed);
		Pace pace = new Pace(rate);
		AtomicInteger failures = new AtomicInteger();
		for (int i = 0; i < total; i++) {
			pace.awaitTurn(i);
			long t = System.nanoTime();
			client.pushAsync(this.queue, JOB, Map.of("i", i, "t", t), PushOptions.now())
				.whenComplete((r, ex) -> {
					if (ex != null) {
						failures.incrementAndGet();
					}
				});
		}
		double offeredSeconds = pace.secondsSinceStart();
		all.await((long) (this.args.decimal("tailSeconds", 5) * 1000), TimeUnit.MILLISECONDS);
		worker.stop(Duration.ofSeconds(5));
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("offeredRate", rate);
		figures.put("achievedRate", Stats.round(total / offeredSeconds, 1));
		figures.put("pushFailures", failures.get());
		figures.putAll(Stats.latencyFigures(java.util.Arrays.copyOfRange(latencies, warmup, total)));
		// diagnostics: p99 of each second of pushes (warm-up included), to tell a backlog from spikes
		List<Object> perSecond = new ArrayList<>();
		for (int from = 0; from < total; from += rate) {
			Map<String, Object> second = Stats.latencyFigures(java.util.Arrays.copyOfRange(latencies, from,
					Math.min(total, from + rate)));
			perSecond.add(second.get("p99Ms"));
		}
		figures.put("p99MsPerSecond", perSecond);
		return figures;
	}

	/**
	 * Push jobs with i = -1 and wait (up to primeSeconds) until they ran: class loading and JIT before
	 * the timed phase. A system too slow to run them all in time goes on with the rest still queued.
	 */
	private void prime(QueueClient client, int jobs, CountDownLatch primed) throws InterruptedException {
		for (int k = 0; k < jobs; k++) {
			client.pushAsync(this.queue, JOB, Map.of("i", -1, "t", 0L, "due", 0L), PushOptions.now());
		}
		primed.await((long) (this.args.decimal("primeSeconds", 15) * 1000), TimeUnit.MILLISECONDS);
	}

	// ---------------------------------------------------------------- delayed

	private Map<String, Object> delayed() throws InterruptedException {
		int jobs = this.args.integer("jobs", 400);
		int rate = this.args.integer("rate", 40);
		int minDelay = this.args.integer("minDelayMs", 100);
		int maxDelay = this.args.integer("maxDelayMs", 2000);
		int concurrency = this.args.integer("concurrency", 32);
		double[] lateness = new double[jobs];
		java.util.Arrays.fill(lateness, Double.NaN);
		AtomicInteger started = new AtomicInteger();
		CountDownLatch all = new CountDownLatch(jobs);
		int primeJobs = this.args.integer("prime", 100);
		CountDownLatch primed = new CountDownLatch(primeJobs);
		QueueSettings settings = settings(this.queue, concurrency);
		QueueClient client = client(settings);
		QueueWorker worker = QueueWorker.builder(settings, this.redis)
			.serializer(this.serializer)
			.job(JOB, Map.class, (payload, context) -> {
				long now = Stats.epochMicros();
				int i = ((Number) payload.get("i")).intValue();
				if (i < 0) {
					primed.countDown();
					return;
				}
				long due = ((Number) payload.get("due")).longValue();
				lateness[i] = (now - due) / 1000.0;
				started.incrementAndGet();
				all.countDown();
			})
			.build();
		worker.start();
		prime(client, primeJobs, primed);
		SplittableRandom random = new SplittableRandom(42);
		Pace pace = new Pace(rate);
		for (int i = 0; i < jobs; i++) {
			pace.awaitTurn(i);
			int delay = minDelay + random.nextInt(maxDelay - minDelay + 1);
			long due = Stats.epochMicros() + delay * 1000L;
			client.pushAsync(this.queue, JOB, Map.of("i", i, "due", due), PushOptions.delay(Duration.ofMillis(delay)));
		}
		all.await(maxDelay + (long) (this.args.decimal("tailSeconds", 5) * 1000), TimeUnit.MILLISECONDS);
		worker.stop(Duration.ofSeconds(5));
		return Stats.latencyFigures(lateness);
	}

	// ---------------------------------------------------------------- memory and idle (measured by the driver)

	private Map<String, Object> fill() throws InterruptedException {
		QueueClient client = client(settings(this.queue, 8));
		return Scenarios.fill(this.args,
				Scenarios.inBatches((from, size, data) -> client.pushAll(this.queue, batch(from, size, data))));
	}

	private Map<String, Object> idle() {
		int queues = this.args.integer("queues", 4);
		List<QueueWorker> workers = new ArrayList<>();
		for (int q = 0; q < queues; q++) {
			QueueSettings settings = withLimits(QueueSettings.defaults(this.queue + "-idle-" + q).toBuilder()).build();
			QueueWorker worker = QueueWorker.builder(settings, this.redis)
				.serializer(this.serializer)
				.job(JOB, Map.class, (payload, context) -> {
				})
				.build();
			worker.start();
			workers.add(worker);
		}
		Protocol.event("ready");
		Protocol.await("stop");
		List<CompletableFuture<Void>> stops = new ArrayList<>();
		for (QueueWorker worker : workers) {
			stops.add(CompletableFuture.runAsync(() -> worker.stop(Duration.ofSeconds(1))));
		}
		stops.forEach(CompletableFuture::join);
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("queues", queues);
		figures.put("settings", "QueueSettings.defaults (blockingTimeout "
				+ QueueSettings.DEFAULT_BLOCKING_TIMEOUT.toMillis() + " ms)" + limitsText());
		return figures;
	}

	private String limitsText() {
		QueueSettings limits = withLimits(QueueSettings.builder(this.queue)).build();
		return ((limits.globalConcurrency() > 0) ? ", globalConcurrency " + limits.globalConcurrency() : "")
				+ ((limits.rateLimit() != null) ? ", rateLimit " + limits.rateLimit() : "");
	}

	// ---------------------------------------------------------------- rate limit (issue 14)

	/**
	 * No-op jobs under the rate limit {@code rateMax} per {@code ratePeriodMs}: a backlog of {@code jobs} pushed
	 * before the worker starts, or with {@code pattern=edge} the arrivals that find a fixed window's edge
	 * ({@link StartLog#pushEdges}). Every handler start is recorded (monotonic clock) for {@code seconds} from the
	 * first; the driver counts them per window ({@code RateWindows}).
	 */
	private Map<String, Object> rateLimit() throws InterruptedException {
		int jobs = this.args.integer("jobs", 4000);
		boolean edge = StartLog.isEdge(this.args);
		QueueSettings settings = settings(this.queue, this.args.integer("concurrency", 8));
		QueueClient client = client(settings);
		StartLog.Push push = (from, size) -> {
			for (int n = from; n < from + size; n += 1000) {
				client.pushAll(this.queue, batch(n, Math.min(1000, from + size - n), null));
			}
		};
		if (!edge) {
			push.push(0, jobs);
		}
		AtomicLongArray starts = new AtomicLongArray(jobs);
		AtomicInteger started = new AtomicInteger();
		AtomicLong first = new AtomicLong();
		QueueWorker worker = QueueWorker.builder(settings, this.redis)
			.serializer(this.serializer)
			.job(JOB, Map.class, (payload, context) -> {
				long now = System.nanoTime();
				int i = started.getAndIncrement();
				if (i < jobs) {
					starts.set(i, now);
				}
				first.compareAndSet(0, now);
			})
			.build();
		worker.start();
		if (edge) {
			StartLog.pushEdges(this.args, push);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (first.get() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(1);
		}
		if (first.get() == 0) {
			throw new IllegalStateException("no job started within 60 s");
		}
		TimeUnit.NANOSECONDS.sleep(first.get() + TimeUnit.MILLISECONDS.toNanos(StartLog.recordMillis(this.args))
				- System.nanoTime());
		worker.stop(Duration.ofSeconds(5));
		long[] recorded = new long[Math.min(started.get(), jobs)];
		for (int i = 0; i < recorded.length; i++) {
			recorded[i] = starts.get(i);
		}
		Map<String, Object> figures = StartLog.figures(this.args, recorded);
		figures.put("leftWaiting", new QueueOperations(this.redis, this.serializer, Queues.of(settings)).counts(this.queue)
			.waiting());
		return figures;
	}

	// ---------------------------------------------------------------- helpers

	private long deadline() {
		return System.nanoTime() + (long) (this.args.decimal("seconds", 5) * 1e9);
	}

	private void warmUp(Runnable op) {
		int count = this.args.integer("warmup", 2000);
		for (int i = 0; i < count; i++) {
			op.run();
		}
	}

}
