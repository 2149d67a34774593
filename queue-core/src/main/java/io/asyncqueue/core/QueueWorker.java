package io.asyncqueue.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.ShardLayout;
import io.asyncqueue.core.scripts.ShardPlacement;
import io.asyncqueue.core.worker.Fetcher;
import io.asyncqueue.core.worker.GlobalSlots;
import io.asyncqueue.core.worker.HandlerPool;
import io.asyncqueue.core.worker.JobRunner;
import io.asyncqueue.core.worker.LeaseKeeper;
import io.asyncqueue.core.worker.ObserverFanOut;
import io.asyncqueue.core.worker.PrefetchWindow;
import io.asyncqueue.core.worker.QueueLengthSampler;
import io.asyncqueue.core.worker.ReservedJob;
import io.asyncqueue.core.worker.Settler;

/**
 * Consumes one queue in this process: {@link QueueSettings#consumers()} fetch loops reserve jobs
 * under a lease and hand them to at most {@link QueueSettings#concurrency()} handler threads.
 *
 * <p>An idle fetch loop blocks on the queue's marker key (BZPOPMIN), which every push signals, so a new
 * job starts within milliseconds without polling; the wait is cut short when a delayed job falls due
 * or a lease expires. While more jobs are waiting, up to {@link QueueSettings#prefetch()} jobs beyond the
 * free handlers are reserved ahead (adapted to the jobs when it is not set: {@link QueueSettings#prefetchAdapts()}),
 * so that a handler starts its next job without a fetch round trip; a job
 * reserved ahead waits at most half a lease for a handler, then goes back to waiting unstarted. Running jobs'
 * leases are renewed every third of the lease; a job running past its handle timeout is interrupted and
 * counted as a failed attempt. {@link #stop()} stops fetching at once, lets running jobs finish for up to the
 * shutdown timeout, then interrupts them and puts them straight back to waiting without counting the attempt.
 *
 * <p>This class wires the parts of {@code io.asyncqueue.core.worker} together and runs their lifecycle:
 * {@link Fetcher} (fetch loops), {@link JobRunner} (handlers), {@link Settler} (outcomes to Redis),
 * {@link LeaseKeeper} (leases) and {@link ObserverFanOut} (listeners).
 *
 * @since 0.1.0
 */
public final class QueueWorker {

	private static final Logger logger = LoggerFactory.getLogger(QueueWorker.class);

	/** How long a stop waits for its fetch loops to leave, all together. */
	private static final long FETCHERS_JOIN_MILLIS = 5_000;

	/** The most of a stop's grace period kept for putting unfinished jobs back and outcomes on their way. */
	private static final long FINAL_RESERVE_MILLIS = 2_000;

	private final QueueSettings settings;

	private final RedisConnector redis;

	private final JobSerializer serializer;

	private final Map<String, JobDefinition<?>> jobs;

	private final ObserverFanOut observers;

	private final List<JobInterceptor> interceptors;

	private final ThreadFactory threadFactory;

	private final Duration queueLengthInterval;

	private final AtomicReference<String> consumptionProblem = new AtomicReference<>();

	/** Why this worker stopped fetching for good (Redis refused a settle), or {@code null}. */
	private final AtomicReference<String> halted = new AtomicReference<>();

	private final ReentrantLock lifecycle = new ReentrantLock();

	private volatile boolean running;

	/** What one start made; a stop takes it apart and the next start makes anew. */
	private volatile Run run;

	private QueueWorker(Builder builder) {
		this.settings = builder.settings;
		this.redis = builder.redis;
		this.serializer = builder.serializer;
		this.jobs = Map.copyOf(builder.jobs);
		this.observers = new ObserverFanOut(this.settings.name(), builder.observers);
		this.interceptors = List.copyOf(builder.interceptors);
		this.threadFactory = (builder.threadFactory != null) ? builder.threadFactory
				: ThreadFactories.platform("async-queue-" + this.settings.name() + "-");
		this.queueLengthInterval = builder.queueLengthInterval;
	}

	/**
	 * A builder for a worker of one queue.
	 * @param settings the queue
	 * @param redis the connector
	 * @return the builder
	 */
	public static Builder builder(QueueSettings settings, RedisConnector redis) {
		return new Builder(settings, redis);
	}

	/** The queue's settings. */
	public QueueSettings settings() {
		return this.settings;
	}

	/** Whether the worker is consuming. */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Why this worker cannot consume right now, in words an operator can act on, or {@code null} while its
	 * fetches succeed. Set by the last failed fetch and cleared by the next successful one; for example
	 * "Redis is out of memory (maxmemory reached under a noeviction policy): ...".
	 * @return the problem, or {@code null}
	 */
	public String consumptionProblem() {
		String halted = this.halted.get();
		return (halted != null) ? halted : this.consumptionProblem.get();
	}

	/** Whether the fetch loops go on: running, and no settle refused for good. */
	private boolean fetching() {
		return this.running && this.halted.get() == null;
	}

	/**
	 * Redis refused to write a job's outcome in a way no retry fixes (NOPERM): every job this worker fetches
	 * would run, fail to settle and run again at each lease expiry until it is parked as stalled. Fetching
	 * stops instead, loudly, and stays stopped until the next {@link #start()}; running jobs finish.
	 */
	private void halt(String problem) {
		String reason = problem + "; queue '" + this.settings.name()
				+ "' stopped fetching so that its jobs are not run again at each lease expiry: fix it, then restart "
				+ "the consumer";
		if (this.halted.compareAndSet(null, reason)) {
			logger.error(reason);
			Run current = this.run;
			if (current != null) {
				current.fetchers.forEach(Fetcher::wake);
			}
		}
	}

	/** How many jobs are running in this process now (including ones that ignored an interrupt). */
	public int activeJobs() {
		Run current = this.run;
		return (current != null) ? current.activeJobs() : 0;
	}

	/**
	 * How many jobs beyond its concurrency this worker may hold reserved now: the queue's {@code prefetch} when it is
	 * set, else what it adapted to (see {@link io.asyncqueue.core.worker.PrefetchWindow}); the queue's setting before
	 * the first start, the last value after a stop.
	 * @return the prefetch
	 * @since 0.7.0
	 */
	public int prefetch() {
		Run current = this.run;
		return (current != null) ? current.window.prefetch() : this.settings.prefetch();
	}

	/** Timers waiting on this worker's scheduler (renewal, wake-ups, handle timeouts): for tests. */
	int pendingTimers() {
		Run current = this.run;
		return (current != null && current.timer instanceof ScheduledThreadPoolExecutor pool) ? pool.getQueue().size()
				: 0;
	}

	/** Settles in progress: for tests. */
	int outstandingSettles() {
		Run current = this.run;
		return (current != null) ? current.shards.stream().mapToInt((shard) -> shard.settler.outstanding()).sum() : 0;
	}

	/** Start consuming. Does nothing when already running. */
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			this.halted.set(null);
			Run started = new Run();
			this.run = started;
			started.start();
			logger.info("Queue '{}' consuming on channel '{}' with {} consumer(s), concurrency {}",
					this.settings.name(), this.settings.channel(), this.settings.consumers(),
					this.settings.concurrency());
			if (this.settings.shards() > 1) {
				logPlacement();
			}
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Where the shards are: a reshard can put two on one master, which only an operator can undo. */
	private void logPlacement() {
		ShardPlacement.masters(this.redis, this.settings).thenAccept((placement) -> {
			if (placement.masters().isEmpty()) {
				logger.info("Queue '{}' has {} shards in one Redis (not a cluster)", this.settings.name(),
						this.settings.shards());
			}
			else if (placement.isCrowded()) {
				logger.warn("Queue '{}': shards share masters while {} masters serve the cluster: {}; move one of "
						+ "the slots of the shards that share a master to another (redis-cli --cluster reshard)",
						this.settings.name(), placement.clusterMasters(), placement.masters());
			}
			else {
				logger.info("Queue '{}' shards on masters {}", this.settings.name(), placement.masters());
			}
		});
	}

	/**
	 * Stop gracefully: stop fetching, let running jobs finish for up to the queue's shutdown timeout,
	 * then interrupt the rest and put them back to waiting without counting their attempt.
	 */
	public void stop() {
		stop(this.settings.shutdownTimeout());
	}

	/**
	 * Stop gracefully with an explicit grace period. Returns within about the grace period plus a few seconds
	 * even when Redis does not answer.
	 * @param gracePeriod how long running jobs may take to finish
	 */
	public void stop(Duration gracePeriod) {
		this.lifecycle.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			this.run.stop(gracePeriod);
			logger.info("Queue '{}' stopped", this.settings.name());
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** The threads and parts of one start. */
	private final class Run {

		private final HandlerPool handlers;

		private final ExecutorService events;

		private final ScheduledExecutorService timer;

		private final PrefetchWindow window;

		/** One per shard, shard 0 first; one for an unsharded queue. */
		private final List<Shard> shards = new ArrayList<>();

		private final List<Fetcher> fetchers = new ArrayList<>();

		private final List<Thread> fetcherThreads = new ArrayList<>();

		Run() {
			QueueSettings settings = QueueWorker.this.settings;
			String name = settings.name();
			int concurrency = settings.concurrency();
			this.handlers = new HandlerPool(concurrency, 60, TimeUnit.SECONDS, QueueWorker.this.threadFactory);
			// settle completions and the listener calls after them: never on Lettuce's I/O thread, and never
			// queued on the handler pool ahead of jobs; bounded by the settler's limit on outstanding settles
			this.events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
					ThreadFactories.platform("async-queue-" + name + "-events-"));
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
					ThreadFactories.platform("async-queue-" + name + "-timer-"));
			// a wake-up replaced by a sooner one is cancelled: without this it would stay queued until it fired
			scheduler.setRemoveOnCancelPolicy(true);
			this.timer = scheduler;
			this.window = new PrefetchWindow(settings);
			int reservable = this.window.maxReserved();
			// the shards share the handlers and the slots: concurrency and prefetch hold for the whole queue
			for (QueueSettings shard : ShardLayout.shards(settings)) {
				this.shards.add(new Shard(shard, reservable));
			}
			if (this.shards.size() > 1) {
				connectShards();
			}
		}

		/**
		 * Each shard enforces its share of the queue's limits in its own slot; what one shard's scripts cannot
		 * reach, the worker passes on: a settle in shard i that signals its marker (a job back to waiting, a slot
		 * freed) rings shard 0's too, where idle fetch loops block (settle.lua can signal only its own slot's), and
		 * a handler's back-off reaches every other shard.
		 */
		private void connectShards() {
			QueueScripts doorbell = this.shards.get(0).scripts;
			for (Shard shard : this.shards) {
				if (shard.scripts != doorbell) {
					shard.scripts.onSignal(doorbell::signal);
				}
				shard.settler.onQueueBackOff((millis) -> {
					for (Shard other : this.shards) {
						if (other != shard) {
							other.scripts.limits(Map.of("backoff-for", Long.toString(millis)));
						}
					}
				});
			}
		}

		int activeJobs() {
			return this.shards.stream().mapToInt((shard) -> shard.runner.activeJobs()).sum();
		}

		void start() {
			for (Shard shard : this.shards) {
				long renewEvery = shard.keeper.renewIntervalMillis();
				this.timer.scheduleWithFixedDelay(shard.keeper::renew, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
				long timeoutTick = shard.runner.timeoutTickMillis();
				if (timeoutTick > 0) {
					this.timer.scheduleWithFixedDelay(shard.runner::checkTimeouts, timeoutTick, timeoutTick,
							TimeUnit.MILLISECONDS);
				}
			}
			Duration interval = QueueWorker.this.queueLengthInterval;
			if (interval != null && !interval.isZero()) {
				QueueOperations operations = new QueueOperations(QueueWorker.this.redis, QueueWorker.this.serializer,
						Queues.of(QueueWorker.this.settings));
				QueueLengthSampler sampler = new QueueLengthSampler(QueueWorker.this.settings, operations,
						QueueWorker.this.observers, this.events);
				this.timer.scheduleWithFixedDelay(sampler, interval.toMillis(), interval.toMillis(),
						TimeUnit.MILLISECONDS);
			}
			for (int i = 1; i <= QueueWorker.this.settings.consumers(); i++) {
				Fetcher fetcher = new Fetcher(QueueWorker.this.settings, QueueWorker.this.redis,
						this.shards.stream().map((shard) -> shard.scripts).toList(),
						this.shards.stream().map((shard) -> shard.runner).toList(),
						QueueWorker.this.serializer, this.window, QueueWorker.this.observers, this.timer,
						QueueWorker.this::fetching, QueueWorker.this.consumptionProblem);
				Thread thread = new Thread(fetcher, "async-queue-" + QueueWorker.this.settings.name() + "-fetch-" + i);
				thread.setDaemon(true);
				this.fetchers.add(fetcher);
				this.fetcherThreads.add(thread);
				thread.start();
			}
		}

		/**
		 * Everything within the grace period, so that a stop fits in the shutdown phase its caller gives it:
		 * the end of the period (a quarter of it, at most {@link #FINAL_RESERVE_MILLIS}) is kept for putting
		 * unfinished jobs back and for outcomes on their way; running jobs get the rest.
		 */
		void stop(Duration gracePeriod) {
			long start = System.nanoTime();
			long deadline = start + gracePeriod.toNanos();
			long reserve = Math.min(TimeUnit.MILLISECONDS.toNanos(FINAL_RESERVE_MILLIS), gracePeriod.toNanos() / 4);
			for (Fetcher fetcher : this.fetchers) {
				fetcher.wake();
			}
			// a fetch loop stuck in a call to a Redis that does not answer is left behind (a daemon thread)
			long joinDeadline = Math.min(start + TimeUnit.MILLISECONDS.toNanos(FETCHERS_JOIN_MILLIS),
					deadline - reserve);
			for (Thread thread : this.fetcherThreads) {
				joinQuietly(thread, joinDeadline);
			}
			for (Shard shard : this.shards) {
				shard.runner.releaseKeptSlots();
				shard.keeper.releaseReservedAhead(millisUntil(deadline - reserve));
			}
			while (activeJobs() > 0 && System.nanoTime() < deadline - reserve) {
				sleepQuietly(10);
			}
			for (Shard shard : this.shards) {
				shard.runner.releaseRunning(millisUntil(deadline - reserve / 2));
			}
			// outcomes of finished jobs still on their way, and the listener calls that follow them
			for (Shard shard : this.shards) {
				shard.settler.awaitIdle(deadline);
			}
			this.handlers.shutdownNow();
			this.timer.shutdownNow();
			this.events.shutdown();
			awaitQuietly(this.events, millisUntil(deadline));
			// completions still queued (outcomes whose listeners were too slow) run here rather than never
			for (Runnable task : this.events.shutdownNow()) {
				task.run();
			}
		}

		/** The parts that talk to one shard's keys: every job is settled and renewed in the shard it came from. */
		private final class Shard {

			private final QueueScripts scripts;

			private final Settler settler;

			private final LeaseKeeper keeper;

			private final JobRunner runner;

			Shard(QueueSettings shard, int reservable) {
				this.scripts = new QueueScripts(QueueWorker.this.redis, shard, Run.this.events);
				this.settler = new Settler(shard, this.scripts, Run.this.timer, Math.max(1024, 4 * reservable),
						QueueWorker.this::halt);
				GlobalSlots slots = new GlobalSlots(shard.concurrency());
				this.keeper = new LeaseKeeper(shard, this.scripts, this.settler, Run.this.window, slots);
				this.runner = new JobRunner(shard, QueueWorker.this.serializer, QueueWorker.this.jobs,
						QueueWorker.this.interceptors, this.keeper, this.settler, QueueWorker.this.observers,
						Run.this.handlers, Run.this.window, slots, QueueWorker.this::isRunning);
			}

		}

	}

	/** At least a little time for a last call to Redis, even when the grace period is over. */
	private static long millisUntil(long deadlineNanos) {
		return Math.max(TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()), 100);
	}

	private static void awaitQuietly(ExecutorService executor, long millis) {
		try {
			executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void joinQuietly(Thread thread, long deadlineNanos) {
		try {
			long left = deadlineNanos - System.nanoTime();
			if (left > 0) {
				TimeUnit.NANOSECONDS.timedJoin(thread, left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Builds a {@link QueueWorker}. */
	public static final class Builder {

		private final QueueSettings settings;

		private final RedisConnector redis;

		private JobSerializer serializer = new JobSerializer();

		private final Map<String, JobDefinition<?>> jobs = new LinkedHashMap<>();

		private final List<QueueObserver> observers = new ArrayList<>();

		private final List<JobInterceptor> interceptors = new ArrayList<>();

		private ThreadFactory threadFactory;

		private Duration queueLengthInterval;

		private Builder(QueueSettings settings, RedisConnector redis) {
			this.settings = Objects.requireNonNull(settings, "settings");
			this.redis = Objects.requireNonNull(redis, "redis");
		}

		public Builder serializer(JobSerializer serializer) {
			this.serializer = Objects.requireNonNull(serializer, "serializer");
			return this;
		}

		public Builder job(JobDefinition<?> job) {
			if (this.jobs.putIfAbsent(job.name(), job) != null) {
				throw new IllegalArgumentException(
						"Two jobs named '" + job.name() + "' on queue '" + this.settings.name() + "'");
			}
			return this;
		}

		public <T> Builder job(String name, Class<T> payloadType, JobHandler<T> handler) {
			return job(JobDefinition.of(name, payloadType, handler));
		}

		/**
		 * Observe the life of every job this worker runs (before and after each execution, retries, failures,
		 * stalls, queue lengths). Observers are called in the order they were added; one that throws is logged
		 * and never changes a job's outcome.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(QueueObserver observer) {
			this.observers.add(Objects.requireNonNull(observer, "observer"));
			return this;
		}

		/**
		 * Wrap every handler invocation; the first added is outermost.
		 * @param interceptor the interceptor
		 * @return this builder
		 */
		public Builder interceptor(JobInterceptor interceptor) {
			this.interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
			return this;
		}

		public Builder threadFactory(ThreadFactory threadFactory) {
			this.threadFactory = threadFactory;
			return this;
		}

		/**
		 * Sample the queue's counts and report them to {@link QueueObserver#queueLength} at this interval.
		 * @param interval the interval, or {@code null} or zero for never
		 * @return this builder
		 */
		public Builder queueLengthInterval(Duration interval) {
			this.queueLengthInterval = interval;
			return this;
		}

		public QueueWorker build() {
			return new QueueWorker(this);
		}

	}

}
