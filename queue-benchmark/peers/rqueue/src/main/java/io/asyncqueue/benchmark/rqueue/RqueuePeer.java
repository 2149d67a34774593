package io.asyncqueue.benchmark.rqueue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.github.sonus21.rqueue.config.SimpleRqueueListenerContainerFactory;
import com.github.sonus21.rqueue.core.RqueueMessageEnqueuer;
import com.github.sonus21.rqueue.listener.RqueueMessageListenerContainer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Rqueue adapter of the queue-benchmark harness: a small Spring Boot 3.0 app, one scenario per process.
 *
 * <pre>java -jar rqueue-peer.jar drain port=6400 jobs=100000 concurrency=8 history=off</pre>
 *
 * Same scenarios, arguments and protocol as the OURS adapter (see queue-benchmark/README.md). Rqueue
 * runs at its defaults except: the listener's concurrency where a scenario sets one, the container
 * started by hand once a scenario's prefill is done, the GitHub version check off (no traffic leaves
 * 127.0.0.1), and with {@code history=off} its job and message history off.
 */
@SpringBootApplication
public class RqueuePeer {

	private static final AtomicInteger completed = new AtomicInteger();

	private static volatile Runnable onCompleted = () -> {
	};

	@Bean
	SimpleRqueueListenerContainerFactory simpleRqueueListenerContainerFactory() {
		SimpleRqueueListenerContainerFactory factory = new SimpleRqueueListenerContainerFactory();
		// Started by the scenario, after its prefill.
		factory.setAutoStartup(false);
		// Called after a successful execution has been acknowledged (removed from the processing set).
		factory.setPostExecutionMessageProcessor((job) -> {
			completed.incrementAndGet();
			onCompleted.run();
			return true;
		});
		return factory;
	}

	private final Map<String, String> args;

	private final String scenario;

	private final String queue;

	private ConfigurableApplicationContext context;

	private RqueueMessageEnqueuer enqueuer;

	private RqueuePeer(String scenario, Map<String, String> args) {
		this.scenario = scenario;
		this.args = args;
		this.queue = args.getOrDefault("queue", "bench");
	}

	/** Spring's constructor. */
	public RqueuePeer() {
		this.scenario = null;
		this.args = Map.of();
		this.queue = null;
	}

	public static void main(String[] argv) {
		Map<String, String> args = new LinkedHashMap<>();
		for (int k = 1; k < argv.length; k++) {
			int eq = argv[k].indexOf('=');
			args.put(argv[k].substring(0, eq), argv[k].substring(eq + 1));
		}
		RqueuePeer peer = new RqueuePeer(argv[0], args);
		int code = 0;
		try {
			Map<String, Object> figures = peer.run();
			Map<String, Object> line = new LinkedHashMap<>();
			line.put("event", "result");
			line.put("scenario", peer.scenario);
			line.putAll(figures);
			emit(line);
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			emit(Map.of("event", "error", "message", String.valueOf(ex)));
			code = 1;
		}
		finally {
			if (peer.context != null) {
				try {
					peer.context.close();
				}
				catch (RuntimeException ex) {
					ex.printStackTrace();
				}
			}
		}
		System.exit(code);
	}

	private Map<String, Object> run() throws Exception {
		String queues = this.queue;
		if (this.scenario.equals("idle")) {
			List<String> names = new ArrayList<>();
			for (int q = 0; q < integer("queues", 4); q++) {
				names.add(this.queue + "-idle-" + q);
			}
			queues = String.join(",", names);
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", integer("port", 6379));
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		properties.put("rqueue.latest.version.check.enabled", "false");
		properties.put("bench.queues", queues);
		// -1 is Rqueue's default (a shared pool); scenarios that consume set 8 or 32.
		properties.put("bench.concurrency", this.args.getOrDefault("concurrency", "-1"));
		if ("off".equals(this.args.get("history"))) {
			properties.put("rqueue.job.enabled", "false");
			properties.put("rqueue.message.durability.in-terminal-state", "0");
			properties.put("rqueue.web.collect.listener.stats", "false");
		}
		// Any key with a dot (spring.*, rqueue.*, logging.*) is passed to Spring as a property.
		this.args.forEach((key, value) -> {
			if (key.contains(".")) {
				properties.put(key, value);
			}
		});
		SpringApplication application = new SpringApplication(RqueuePeer.class);
		application.setDefaultProperties(properties);
		this.context = application.run();
		this.enqueuer = this.context.getBean(RqueueMessageEnqueuer.class);
		return switch (this.scenario) {
			case "push-single" -> pushSingle();
			case "push-threads" -> pushThreads();
			case "push-batch" -> pushBatch();
			case "drain" -> drain();
			case "latency" -> latency();
			case "delayed" -> delayed();
			case "fill" -> fill();
			case "idle" -> idle();
			default -> throw new IllegalArgumentException("unknown scenario " + this.scenario);
		};
	}

	private void startConsuming() {
		this.context.getBean(RqueueMessageListenerContainer.class).start();
	}

	private void stopConsuming() {
		this.context.getBean(RqueueMessageListenerContainer.class).stop();
	}

	private void push(BenchJob job) {
		if (this.enqueuer.enqueue(this.queue, job) == null) {
			throw new IllegalStateException("Rqueue did not enqueue (it returns null instead of throwing)");
		}
	}

	// ---------------------------------------------------------------- push

	private Map<String, Object> pushSingle() {
		int jobs = integer("jobs", 20_000);
		for (int w = 0; w < integer("warmup", 2000); w++) {
			push(BenchJob.of(-1));
		}
		long deadline = deadline();
		mark("start");
		long start = System.nanoTime();
		int n = 0;
		while (n < jobs && System.nanoTime() < deadline) {
			push(BenchJob.of(n));
			n++;
		}
		long elapsed = System.nanoTime() - start;
		mark("end");
		return rate(n, elapsed);
	}

	private Map<String, Object> pushThreads() throws InterruptedException {
		int jobs = integer("jobs", 50_000);
		int threads = integer("threads", 32);
		for (int w = 0; w < integer("warmup", 2000); w++) {
			push(BenchJob.of(-1));
		}
		mark("start");
		long start = System.nanoTime();
		int done = parallelPush(jobs, threads, deadline(), (i) -> BenchJob.of(i));
		long elapsed = System.nanoTime() - start;
		mark("end");
		Map<String, Object> figures = rate(done, elapsed);
		figures.put("threads", threads);
		return figures;
	}

	private int parallelPush(int jobs, int threads, long deadline, java.util.function.IntFunction<BenchJob> make)
			throws InterruptedException {
		AtomicInteger tickets = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		List<Thread> pool = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				int i;
				while ((i = tickets.getAndIncrement()) < jobs && System.nanoTime() < deadline) {
					push(make.apply(i));
					done.incrementAndGet();
				}
			}, "push-" + t);
			thread.start();
			pool.add(thread);
		}
		for (Thread thread : pool) {
			thread.join();
		}
		return done.get();
	}

	private Map<String, Object> pushBatch() {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("unsupported", "Rqueue 3.2 has no batch enqueue");
		return figures;
	}

	// ---------------------------------------------------------------- drain

	private Map<String, Object> drain() throws InterruptedException {
		int jobs = integer("jobs", 100_000);
		// Rqueue completes at most a few hundred jobs/s, so its warm-up always ends by time: more than 5 000
		// warm-up jobs would only make its (slow) prefill longer.
		int warmup = Math.min(integer("warmup", 0), 5000);
		long warmupNanos = (long) (decimal("warmupSeconds", 5) * 1e9);
		int total = jobs + warmup;
		int concurrency = integer("concurrency", 8);
		long prefillStart = System.nanoTime();
		int pushed = parallelPush(total, 32, Long.MAX_VALUE, (i) -> BenchJob.of(i));
		double prefillSeconds = (System.nanoTime() - prefillStart) / 1e9;
		StringRedisTemplate redis = new StringRedisTemplate(
				this.context.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class));
		String waitingKey = this.context.getBean(com.github.sonus21.rqueue.config.RqueueConfig.class)
			.getQueueName(this.queue);
		Long waiting = redis.opsForList().size(waitingKey);
		if (pushed != total || waiting == null || waiting != total) {
			throw new IllegalStateException("expected " + total + " waiting jobs after the prefill, found " + waiting);
		}
		// The untimed warm-up ends at the first completion once `warmup` jobs are done or warmupSeconds have
		// passed; that completion starts the timed phase (the same rule as the other adapters).
		AtomicLong end = new AtomicLong();
		AtomicLong start = new AtomicLong();
		AtomicInteger startCount = new AtomicInteger();
		CountDownLatch warm = new CountDownLatch(1);
		CountDownLatch all = new CountDownLatch(1);
		long began = System.nanoTime();
		Runnable startTimed = () -> {
			if (start.compareAndSet(0, System.nanoTime())) {
				startCount.set(completed.get());
				mark("start");
				warm.countDown();
			}
		};
		if (warmup == 0) {
			startTimed.run();
		}
		onCompleted = () -> {
			int done = completed.get();
			if (start.get() == 0 && (done >= warmup || System.nanoTime() - began >= warmupNanos)) {
				synchronized (warm) {
					startTimed.run();
				}
			}
			if (start.get() != 0 && done == startCount.get() + jobs && end.compareAndSet(0, System.nanoTime())) {
				all.countDown();
			}
		};
		startConsuming();
		boolean finished = warm.await(TimeUnit.NANOSECONDS.toSeconds(warmupNanos) + 60, TimeUnit.SECONDS)
				&& all.await(integer("seconds", 60), TimeUnit.SECONDS);
		long stop = finished ? end.get() : System.nanoTime();
		int done = completed.get();
		mark("end");
		stopConsuming();
		Map<String, Object> figures = rate(done - startCount.get(), stop - ((start.get() != 0) ? start.get() : began));
		figures.put("concurrency", concurrency);
		figures.put("complete", finished);
		figures.put("warmupJobs", startCount.get());
		figures.put("prefillRate", Math.round(total / prefillSeconds * 10) / 10.0);
		figures.put("leftWaiting", redis.opsForList().size(waitingKey));
		return figures;
	}

	// ---------------------------------------------------------------- latency

	private Map<String, Object> latency() throws InterruptedException {
		int rate = integer("rate", 2000);
		double seconds = decimal("seconds", 10);
		double warmupSeconds = decimal("warmup", 2);
		int warmup = (int) Math.round(rate * warmupSeconds);
		int total = warmup + (int) Math.round(rate * seconds);
		double[] latencies = new double[total];
		Arrays.fill(latencies, Double.NaN);
		CountDownLatch all = new CountDownLatch(total);
		int primeJobs = integer("prime", 100);
		CountDownLatch primed = new CountDownLatch(primeJobs);
		BenchListener.handler = (job) -> {
			long now = System.nanoTime();
			if (job.getI() < 0) {
				primed.countDown();
				return;
			}
			latencies[job.getI()] = (now - job.getT()) / 1e6;
			all.countDown();
		};
		startConsuming();
		prime(primeJobs, primed);
		// Rqueue has no asynchronous enqueue: a few producer threads take the paced pushes.
		ExecutorService producers = Executors.newFixedThreadPool(4);
		AtomicInteger failures = new AtomicInteger();
		long period = 1_000_000_000L / rate;
		long base = System.nanoTime() + 50_000_000L;
		for (int i = 0; i < total; i++) {
			long due = base + i * period;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			BenchJob job = BenchJob.of(i);
			job.setT(System.nanoTime());
			producers.execute(() -> {
				if (this.enqueuer.enqueue(this.queue, job) == null) {
					failures.incrementAndGet();
				}
			});
		}
		double offeredSeconds = (System.nanoTime() - base) / 1e9;
		all.await((long) (decimal("tailSeconds", 5) * 1000), TimeUnit.MILLISECONDS);
		producers.shutdown();
		stopConsuming();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("offeredRate", rate);
		figures.put("achievedRate", Math.round(total / offeredSeconds * 10) / 10.0);
		figures.put("pushFailures", failures.get());
		figures.putAll(latencyFigures(Arrays.copyOfRange(latencies, warmup, total)));
		return figures;
	}

	/** Push jobs with i = -1 and wait until they ran: class loading and JIT before the timed phase. */
	private void prime(int jobs, CountDownLatch primed) throws InterruptedException {
		for (int k = 0; k < jobs; k++) {
			BenchJob job = BenchJob.of(-1);
			job.setT(0L);
			job.setDue(0L);
			push(job);
		}
		// up to primeSeconds; a system too slow to run them all in time goes on with the rest still queued
		primed.await((long) (decimal("primeSeconds", 15) * 1000), TimeUnit.MILLISECONDS);
	}

	/** Jobs that never started (NaN) count as infinitely late; see the OURS adapter's Stats.latencyFigures. */
	private static Map<String, Object> latencyFigures(double[] millis) {
		double[] sorted = new double[millis.length];
		int unstarted = 0;
		for (int i = 0; i < millis.length; i++) {
			if (Double.isNaN(millis[i])) {
				unstarted++;
				sorted[i] = Double.POSITIVE_INFINITY;
			}
			else {
				sorted[i] = millis[i];
			}
		}
		Arrays.sort(sorted);
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("jobs", millis.length);
		figures.put("started", millis.length - unstarted);
		figures.put("unstarted", unstarted);
		figures.put("complete", unstarted == 0);
		figures.put("p50Ms", round3(percentile(sorted, 50)));
		figures.put("p99Ms", round3(percentile(sorted, 99)));
		figures.put("p999Ms", round3(percentile(sorted, 99.9)));
		figures.put("maxMs", round3(sorted.length > 0 ? sorted[sorted.length - 1] : Double.NaN));
		return figures;
	}

	// ---------------------------------------------------------------- delayed

	private Map<String, Object> delayed() throws InterruptedException {
		int jobs = integer("jobs", 400);
		int rate = integer("rate", 40);
		int minDelay = integer("minDelayMs", 100);
		int maxDelay = integer("maxDelayMs", 2000);
		double[] lateness = new double[jobs];
		Arrays.fill(lateness, Double.NaN);
		CountDownLatch all = new CountDownLatch(jobs);
		int primeJobs = integer("prime", 100);
		CountDownLatch primed = new CountDownLatch(primeJobs);
		BenchListener.handler = (job) -> {
			long now = epochMicros();
			if (job.getI() < 0) {
				primed.countDown();
				return;
			}
			lateness[job.getI()] = (now - job.getDue()) / 1000.0;
			all.countDown();
		};
		startConsuming();
		prime(primeJobs, primed);
		ExecutorService producers = Executors.newFixedThreadPool(4);
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
			BenchJob job = BenchJob.of(i);
			job.setDue(epochMicros() + delay * 1000L);
			producers.execute(() -> this.enqueuer.enqueueIn(this.queue, job, delay));
		}
		all.await(maxDelay + (long) (decimal("tailSeconds", 5) * 1000), TimeUnit.MILLISECONDS);
		producers.shutdown();
		stopConsuming();
		return latencyFigures(lateness);
	}

	// ---------------------------------------------------------------- memory and idle (measured by the driver)

	private Map<String, Object> fill() throws Exception {
		int jobs = integer("jobs", 20_000);
		int payloadBytes = integer("payloadBytes", 1024);
		String data = "x".repeat(payloadBytes);
		java.io.BufferedReader stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
		emit(Map.of("event", "ready"));
		expect(stdin, "go");
		parallelPush(jobs, 32, Long.MAX_VALUE, (i) -> {
			BenchJob job = BenchJob.of(i);
			job.setData(data);
			return job;
		});
		emit(Map.of("event", "pushed"));
		expect(stdin, "stop");
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("jobs", jobs);
		figures.put("payloadBytes", payloadBytes);
		return figures;
	}

	private Map<String, Object> idle() throws Exception {
		java.io.BufferedReader stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
		startConsuming();
		emit(Map.of("event", "ready"));
		expect(stdin, "stop");
		stopConsuming();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("queues", integer("queues", 4));
		figures.put("settings", "Rqueue defaults (poll every 200 ms when empty)");
		return figures;
	}

	private static void expect(java.io.BufferedReader stdin, String word) throws java.io.IOException {
		String line = stdin.readLine();
		if (line == null || !line.trim().equals(word)) {
			throw new IllegalStateException("expected '" + word + "' from the driver, got '" + line + "'");
		}
	}

	// ---------------------------------------------------------------- helpers

	private int integer(String key, int fallback) {
		String value = this.args.get(key);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	private double decimal(String key, double fallback) {
		String value = this.args.get(key);
		return (value != null) ? Double.parseDouble(value) : fallback;
	}

	private long deadline() {
		return System.nanoTime() + (long) (decimal("seconds", 5) * 1e9);
	}

	private static long epochMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	private static double percentile(double[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
	}

	private static Double round3(double value) {
		return (Double.isNaN(value) || Double.isInfinite(value)) ? null : Math.round(value * 1000) / 1000.0;
	}

	private static Map<String, Object> rate(int jobs, long nanos) {
		Map<String, Object> figures = new LinkedHashMap<>();
		double seconds = nanos / 1e9;
		figures.put("jobs", jobs);
		figures.put("seconds", Math.round(seconds * 1000) / 1000.0);
		figures.put("rate", Math.round(jobs / seconds * 10) / 10.0);
		return figures;
	}

	/** Start/end of a timed phase, with this process's CPU time: the driver reads Redis's at the same moment. */
	private static void mark(String name) {
		double cpuMs = Double.NaN;
		if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
				instanceof com.sun.management.OperatingSystemMXBean os) {
			cpuMs = os.getProcessCpuTime() / 1e6;
		}
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("event", "mark");
		line.put("name", name);
		line.put("cpuMs", cpuMs);
		line.put("epochMs", System.currentTimeMillis());
		emit(line);
	}

	private static synchronized void emit(Map<String, ?> fields) {
		try {
			System.out.println("BENCH " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(fields));
			System.out.flush();
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
