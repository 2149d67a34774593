package io.asyncqueue.benchmark.ours;

import java.time.Duration;
import java.time.Instant;
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
import java.util.concurrent.locks.LockSupport;

import io.asyncqueue.benchmark.Args;
import io.asyncqueue.benchmark.Protocol;
import io.asyncqueue.benchmark.Stats;
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
		return QueueSettings.builder(name)
			.concurrency(concurrency)
			.fetchBatchSize(32)
			// unset: the engine's default (as many as the concurrency)
			.prefetch(this.args.string("prefetch", "").isEmpty() ? null : this.args.integer("prefetch", 0))
			// 0 (no per-job timer) unless asked: the peers have none either; handleTimeoutMs=10000 is our default
			.handleTimeout(Duration.ofMillis(this.args.integer("handleTimeoutMs", 0)))
			.shutdownTimeout(Duration.ofSeconds(5))
			// 0 (none) unless asked: globalConcurrency=8 measures the cost of the cluster-wide check (issue 14)
			.globalConcurrency(this.args.integer("globalConcurrency", 0))
			.build();
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
		return rate(n, elapsed);
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
		Map<String, Object> figures = rate(done.get(), elapsed);
		figures.put("threads", threads);
		return figures;
	}

	private Map<String, Object> pushBatch() {
		QueueClient client = client(settings(this.queue, 8));
		int jobs = this.args.integer("jobs", 200_000);
		int batch = this.args.integer("batch", 1000);
		int warmupBatches = Math.max(1, this.args.integer("warmup", 2000) / batch);
		for (int i = 0; i < warmupBatches; i++) {
			client.pushAll(this.queue, batch(0, batch, null));
		}
		long deadline = deadline();
		Protocol.mark("start");
		long start = System.nanoTime();
		int n = 0;
		while (n < jobs && System.nanoTime() < deadline) {
			int size = Math.min(batch, jobs - n);
			client.pushAll(this.queue, batch(n, size, null));
			n += size;
		}
		long elapsed = System.nanoTime() - start;
		Protocol.mark("end");
		Map<String, Object> figures = rate(n, elapsed);
		figures.put("batch", batch);
		return figures;
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
		int jobs = this.args.integer("jobs", 100_000);
		int warmup = this.args.integer("warmup", 0);
		long warmupNanos = (long) (this.args.decimal("warmupSeconds", 5) * 1e9);
		int total = jobs + warmup;
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
		AtomicInteger completed = new AtomicInteger();
		AtomicLong end = new AtomicLong();
		CountDownLatch all = new CountDownLatch(1);
		WarmUp warm = new WarmUp(warmup, warmupNanos);
		QueueWorker worker = QueueWorker.builder(settings, this.redis)
			.serializer(this.serializer)
			.job(JOB, Map.class, (payload, context) -> {
			})
			.observer(new QueueObserver() {
				@Override
				public void afterHandle(JobInfo job, JobOutcome outcome, Duration duration, Throwable failure) {
					if (outcome == JobOutcome.SUCCEEDED) {
						int done = completed.incrementAndGet();
						if (warm.completed(done) && done == warm.startCount() + jobs) {
							end.set(System.nanoTime());
							all.countDown();
						}
					}
				}
			})
			.build();
		warm.begin();
		worker.start();
		boolean finished = warm.await(TimeUnit.NANOSECONDS.toSeconds(warmupNanos) + 60)
				&& all.await(this.args.integer("seconds", 60), TimeUnit.SECONDS);
		long stop = finished ? end.get() : System.nanoTime();
		int done = completed.get();
		Protocol.mark("end");
		worker.stop(Duration.ofSeconds(5));
		QueueCounts counts = operations.counts(this.queue);
		Map<String, Object> figures = rate(done - warm.startCount(), stop - warm.startNanos());
		figures.put("concurrency", concurrency);
		figures.put("complete", finished);
		figures.put("warmupJobs", warm.startCount());
		figures.put("prefillRate", Stats.round(total / prefillSeconds, 1));
		figures.put("leftWaiting", counts.waiting());
		figures.put("leftReserved", counts.reserved());
		return figures;
	}

	/**
	 * The untimed start of a drain: it ends at the first completion once {@code jobs} have completed or
	 * {@code nanos} have passed, whichever is first; that completion marks the start of the timed phase.
	 * With 0 jobs the timed phase starts with the worker (a cold JVM: its JIT compiles during the drain).
	 */
	private static final class WarmUp {

		private final int jobs;

		private final long nanos;

		private final CountDownLatch over = new CountDownLatch(1);

		private volatile long beganNanos;

		private volatile long startNanos;

		private volatile int startCount;

		WarmUp(int jobs, long nanos) {
			this.jobs = jobs;
			this.nanos = nanos;
		}

		void begin() {
			this.beganNanos = System.nanoTime();
			if (this.jobs == 0) {
				start(0);
			}
		}

		/** Returns whether the timed phase has begun. */
		synchronized boolean completed(int done) {
			if (this.over.getCount() > 0 && (done >= this.jobs || System.nanoTime() - this.beganNanos >= this.nanos)) {
				start(done);
			}
			return this.over.getCount() == 0;
		}

		private void start(int done) {
			this.startCount = done;
			this.startNanos = System.nanoTime();
			Protocol.mark("start");
			this.over.countDown();
		}

		boolean await(long seconds) throws InterruptedException {
			return this.over.await(seconds, TimeUnit.SECONDS);
		}

		int startCount() {
			return this.startCount;
		}

		long startNanos() {
			return (this.over.getCount() == 0) ? this.startNanos : this.beganNanos;
		}

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
		long period = 1_000_000_000L / rate;
		long base = System.nanoTime() + 50_000_000L;
		AtomicInteger failures = new AtomicInteger();
		for (int i = 0; i < total; i++) {
			long due = base + i * period;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			long t = System.nanoTime();
			client.pushAsync(this.queue, JOB, Map.of("i", i, "t", t), PushOptions.now())
				.whenComplete((r, ex) -> {
					if (ex != null) {
						failures.incrementAndGet();
					}
				});
		}
		double offeredSeconds = (System.nanoTime() - base) / 1e9;
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
				long now = epochMicros();
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
		long period = 1_000_000_000L / rate;
		long base = System.nanoTime() + 50_000_000L;
		for (int i = 0; i < jobs; i++) {
			long at = base + i * period;
			long wait;
			while ((wait = at - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			int delay = minDelay + random.nextInt(maxDelay - minDelay + 1);
			long due = epochMicros() + delay * 1000L;
			client.pushAsync(this.queue, JOB, Map.of("i", i, "due", due), PushOptions.delay(Duration.ofMillis(delay)));
		}
		all.await(maxDelay + (long) (this.args.decimal("tailSeconds", 5) * 1000), TimeUnit.MILLISECONDS);
		worker.stop(Duration.ofSeconds(5));
		return Stats.latencyFigures(lateness);
	}

	static long epochMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	// ---------------------------------------------------------------- memory and idle (measured by the driver)

	private Map<String, Object> fill() {
		int jobs = this.args.integer("jobs", 20_000);
		int payloadBytes = this.args.integer("payloadBytes", 1024);
		String data = "x".repeat(payloadBytes);
		QueueClient client = client(settings(this.queue, 8));
		Protocol.event("ready");
		Protocol.await("go");
		for (int n = 0; n < jobs; n += 100) {
			client.pushAll(this.queue, batch(n, Math.min(100, jobs - n), data));
		}
		Protocol.event("pushed");
		Protocol.await("stop");
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("jobs", jobs);
		figures.put("payloadBytes", payloadBytes);
		return figures;
	}

	private Map<String, Object> idle() {
		int queues = this.args.integer("queues", 4);
		List<QueueWorker> workers = new ArrayList<>();
		for (int q = 0; q < queues; q++) {
			QueueSettings settings = QueueSettings.defaults(this.queue + "-idle-" + q);
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
				+ QueueSettings.DEFAULT_BLOCKING_TIMEOUT.toMillis() + " ms)");
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

	private static Map<String, Object> rate(int jobs, long nanos) {
		Map<String, Object> figures = new LinkedHashMap<>();
		double seconds = nanos / 1e9;
		figures.put("jobs", jobs);
		figures.put("seconds", Stats.round(seconds, 3));
		figures.put("rate", Stats.round(jobs / seconds, 1));
		return figures;
	}

}
