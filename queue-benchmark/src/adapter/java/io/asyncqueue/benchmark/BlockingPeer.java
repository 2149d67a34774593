package io.asyncqueue.benchmark;

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
import java.util.function.IntFunction;

/**
 * The scenarios of a Java peer whose enqueue call blocks until the job is stored (Rqueue, JobRunr), written
 * once: each peer app supplies how to make, push and consume its job type. The pushes, the latency and
 * delayed scenarios and the storage fill measure the same way as the OURS adapter's.
 *
 * @param <J> the peer's job type
 */
public abstract class BlockingPeer<J> {

	protected final Args args;

	protected BlockingPeer(Args args) {
		this.args = args;
	}

	/** What the peer's handler reports of each job it starts. */
	@FunctionalInterface
	public interface Started {

		/**
		 * @param i the job's number, -1 for a priming job
		 * @param t the producer's {@code System.nanoTime()} at the push
		 * @param dueMicros a delayed job's due time (epoch µs)
		 */
		void started(int i, long t, long dueMicros);

	}

	/** A new job: its number, the producer's clock at the push, its due time (epoch µs), its payload or null. */
	protected abstract J job(int i, long t, long dueMicros, String data);

	/** Enqueue a job, blocking until it is stored; throws when it was not. */
	protected abstract void push(J job);

	/** Enqueue a job to run after a delay. */
	protected abstract void pushIn(J job, int delayMs);

	/** Run this for every job the peer's workers start. */
	protected abstract void onStarted(Started handler);

	protected abstract void startConsuming();

	protected abstract void stopConsuming();

	/** How much longer than the scenario's tail to wait for the last jobs (a peer that polls: its interval). */
	protected long extraTailMillis() {
		return 0;
	}

	/**
	 * The Spring Boot properties a peer app runs with: no web server, no banner, warnings only, then its own,
	 * then any argument with a dot in its key ({@code spring.*}, {@code rqueue.*}, {@code jobrunr.*}), as given.
	 */
	protected final Map<String, Object> springProperties(Map<String, Object> own) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		properties.putAll(own);
		this.args.values().forEach((key, value) -> {
			if (key.contains(".")) {
				properties.put(key, value);
			}
		});
		return properties;
	}

	protected final int integer(String key, int fallback) {
		return this.args.integer(key, fallback);
	}

	protected final double decimal(String key, double fallback) {
		return this.args.decimal(key, fallback);
	}

	private long deadline() {
		return System.nanoTime() + (long) (decimal("seconds", 5) * 1e9);
	}

	private void warmUpPushes() {
		for (int w = 0; w < integer("warmup", 2000); w++) {
			push(job(-1, 0, 0, null));
		}
	}

	// ---------------------------------------------------------------- push

	protected Map<String, Object> pushSingle() {
		int jobs = integer("jobs", 20_000);
		warmUpPushes();
		long deadline = deadline();
		Protocol.mark("start");
		long start = System.nanoTime();
		int n = 0;
		while (n < jobs && System.nanoTime() < deadline) {
			push(job(n, 0, 0, null));
			n++;
		}
		long elapsed = System.nanoTime() - start;
		Protocol.mark("end");
		return Stats.rate(n, elapsed);
	}

	protected Map<String, Object> pushThreads() throws InterruptedException {
		int jobs = integer("jobs", 50_000);
		int threads = integer("threads", 32);
		warmUpPushes();
		Protocol.mark("start");
		long start = System.nanoTime();
		int done = parallelPush(jobs, threads, deadline(), (i) -> job(i, 0, 0, null));
		long elapsed = System.nanoTime() - start;
		Protocol.mark("end");
		Map<String, Object> figures = Stats.rate(done, elapsed);
		figures.put("threads", threads);
		return figures;
	}

	/** {@code threads} threads pushing jobs 0..jobs-1 until done or the deadline; returns how many were pushed. */
	protected final int parallelPush(int jobs, int threads, long deadline, IntFunction<J> make)
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

	// ---------------------------------------------------------------- latency

	protected Map<String, Object> latency() throws InterruptedException {
		int rate = integer("rate", 2000);
		int warmup = (int) Math.round(rate * decimal("warmup", 2));
		int total = warmup + (int) Math.round(rate * decimal("seconds", 10));
		double[] latencies = new double[total];
		Arrays.fill(latencies, Double.NaN);
		CountDownLatch all = new CountDownLatch(total);
		CountDownLatch primed = consume((i, t, due) -> {
			latencies[i] = (System.nanoTime() - t) / 1e6;
			all.countDown();
		});
		// No asynchronous enqueue: a few producer threads take the paced pushes.
		ExecutorService producers = Executors.newFixedThreadPool(4);
		AtomicInteger failures = new AtomicInteger();
		Pace pace = new Pace(rate);
		for (int i = 0; i < total; i++) {
			pace.awaitTurn(i);
			J job = job(i, System.nanoTime(), 0, null);
			producers.execute(() -> {
				try {
					push(job);
				}
				catch (RuntimeException ex) {
					failures.incrementAndGet();
				}
			});
		}
		double offeredSeconds = pace.secondsSinceStart();
		all.await(tailMillis(), TimeUnit.MILLISECONDS);
		producers.shutdown();
		stopConsuming();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("offeredRate", rate);
		figures.put("achievedRate", Stats.round(total / offeredSeconds, 1));
		figures.put("pushFailures", failures.get());
		figures.putAll(Stats.latencyFigures(Arrays.copyOfRange(latencies, warmup, total)));
		return figures;
	}

	private long tailMillis() {
		return (long) (decimal("tailSeconds", 5) * 1000) + extraTailMillis();
	}

	/**
	 * Start consuming with this handler for measured jobs, push {@code prime} jobs with i = -1 and wait (up to
	 * primeSeconds) until they ran: class loading and JIT before the timed phase. A system too slow to run them
	 * all in time goes on with the rest still queued.
	 */
	private CountDownLatch consume(Started measured) throws InterruptedException {
		int jobs = integer("prime", 100);
		CountDownLatch primed = new CountDownLatch(jobs);
		onStarted((i, t, due) -> {
			if (i < 0) {
				primed.countDown();
			}
			else {
				measured.started(i, t, due);
			}
		});
		startConsuming();
		for (int k = 0; k < jobs; k++) {
			push(job(-1, 0, 0, null));
		}
		primed.await((long) (decimal("primeSeconds", 15) * 1000), TimeUnit.MILLISECONDS);
		return primed;
	}

	// ---------------------------------------------------------------- delayed

	protected Map<String, Object> delayed() throws InterruptedException {
		int jobs = integer("jobs", 400);
		int minDelay = integer("minDelayMs", 100);
		int maxDelay = integer("maxDelayMs", 2000);
		double[] lateness = new double[jobs];
		Arrays.fill(lateness, Double.NaN);
		CountDownLatch all = new CountDownLatch(jobs);
		consume((i, t, due) -> {
			lateness[i] = (Stats.epochMicros() - due) / 1000.0;
			all.countDown();
		});
		ExecutorService producers = Executors.newFixedThreadPool(4);
		SplittableRandom random = new SplittableRandom(42);
		Pace pace = new Pace(integer("rate", 40));
		for (int i = 0; i < jobs; i++) {
			pace.awaitTurn(i);
			int delay = minDelay + random.nextInt(maxDelay - minDelay + 1);
			J job = job(i, 0, Stats.epochMicros() + delay * 1000L, null);
			producers.execute(() -> pushIn(job, delay));
		}
		all.await(maxDelay + tailMillis(), TimeUnit.MILLISECONDS);
		producers.shutdown();
		stopConsuming();
		return Stats.latencyFigures(lateness);
	}

	// ---------------------------------------------------------------- storage (measured by the driver)

	/** Push the fill scenario's jobs (32 threads, one job at a time; a peer with a bulk enqueue overrides). */
	protected void fillPush(int jobs, String data) throws InterruptedException {
		parallelPush(jobs, 32, Long.MAX_VALUE, (i) -> job(i, 0, 0, data));
	}

	protected Map<String, Object> fill() throws InterruptedException {
		return Scenarios.fill(this.args, this::fillPush);
	}

}
