package io.asyncqueue.benchmark;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clock of a drain, the same rule in every adapter (BullMQ's in JavaScript): an untimed warm-up that
 * ends at the first completion once {@code warmup} jobs have completed or {@code warmupSeconds} have passed,
 * whichever is first; that completion starts the timed phase, which ends at the {@code jobs}-th completion
 * after it, or after {@code seconds} (a slower system is rated on what it finished by then). With no
 * warm-up the timed phase starts with the worker (a cold JVM: its JIT compiles during the drain).
 */
public final class DrainClock {

	private final int jobs;

	private final int warmupJobs;

	private final long warmupNanos;

	private final long timedSeconds;

	private final AtomicInteger completed = new AtomicInteger();

	private final CountDownLatch warm = new CountDownLatch(1);

	private final CountDownLatch all = new CountDownLatch(1);

	private volatile long beganNanos;

	private volatile long startNanos;

	private volatile long endNanos;

	private volatile int startCount;

	/**
	 * @param args {@code jobs}, {@code warmup}, {@code warmupSeconds} and {@code seconds}
	 */
	public DrainClock(Args args) {
		this.jobs = args.integer("jobs", 100_000);
		this.warmupJobs = args.integer("warmup", 0);
		this.warmupNanos = (long) (args.decimal("warmupSeconds", 5) * 1e9);
		this.timedSeconds = args.integer("seconds", 60);
	}

	/** The jobs to prefill: the warm-up's and the timed phase's. */
	public int total() {
		return this.jobs + this.warmupJobs;
	}

	/**
	 * The jobs to prefill for a system whose warm-up always ends by time: the timed phase's and at most
	 * {@code warmupCap} warm-up jobs, so that its (slow) prefill takes no longer than it must.
	 */
	public int total(int warmupCap) {
		return this.jobs + Math.min(this.warmupJobs, warmupCap);
	}

	/** The worker starts now. */
	public void begin() {
		this.beganNanos = System.nanoTime();
		if (this.warmupJobs == 0) {
			start(0);
		}
	}

	/** One more job completed (acknowledged in the store). */
	public void completed() {
		int done = this.completed.incrementAndGet();
		boolean timed;
		synchronized (this) {
			if (this.warm.getCount() > 0
					&& (done >= this.warmupJobs || System.nanoTime() - this.beganNanos >= this.warmupNanos)) {
				start(done);
			}
			timed = this.warm.getCount() == 0;
		}
		if (timed && done == this.startCount + this.jobs) {
			this.endNanos = System.nanoTime();
			this.all.countDown();
		}
	}

	private void start(int done) {
		this.startCount = done;
		this.startNanos = System.nanoTime();
		Protocol.mark("start");
		this.warm.countDown();
	}

	/**
	 * Wait for the warm-up (up to its seconds and a minute more) and then the timed phase, and mark its end.
	 * @return jobs, seconds, rate of the timed phase, whether it completed, and where the warm-up ended
	 * @throws InterruptedException when interrupted
	 */
	public Map<String, Object> await() throws InterruptedException {
		boolean finished = this.warm.await(TimeUnit.NANOSECONDS.toSeconds(this.warmupNanos) + 60, TimeUnit.SECONDS)
				&& this.all.await(this.timedSeconds, TimeUnit.SECONDS);
		long stop = finished ? this.endNanos : System.nanoTime();
		int done = this.completed.get();
		Protocol.mark("end");
		long from = (this.warm.getCount() == 0) ? this.startNanos : this.beganNanos;
		Map<String, Object> figures = Stats.rate(done - this.startCount, stop - from);
		figures.put("complete", finished);
		figures.put("warmupJobs", this.startCount);
		return figures;
	}

}
