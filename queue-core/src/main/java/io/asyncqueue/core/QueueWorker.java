package io.asyncqueue.core;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.redis.BlockingConnection;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;

/**
 * Consumes one queue in this process: {@link QueueSettings#consumers()} fetch loops reserve jobs
 * under a lease and hand them to at most {@link QueueSettings#concurrency()} handler threads.
 *
 * <p>An idle fetch loop blocks on the queue's marker key (BZPOPMIN), which every push signals, so a new
 * job starts within milliseconds without polling; the wait is cut short when a delayed job falls due
 * or a lease expires. While more jobs are waiting, up to {@link QueueSettings#prefetch()} jobs beyond the
 * free handlers are reserved ahead, so that a handler starts its next job without a fetch round trip.
 * Running and reserved-ahead jobs' leases are renewed every third of the lease; a job running past
 * its handle timeout is interrupted and counted as a failed attempt. {@link #stop()} stops fetching at
 * once, lets running jobs finish for up to the shutdown timeout, then interrupts them and puts them
 * straight back to waiting without counting the attempt.
 *
 * @since 0.1.0
 */
public final class QueueWorker {

	private static final Logger logger = LoggerFactory.getLogger(QueueWorker.class);

	private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final int RUNNING = 0;

	private static final int DONE = 1;

	private static final int TIMED_OUT = 2;

	private static final int RELEASED = 3;

	private final QueueSettings settings;

	private final RedisConnector redis;

	private final JobSerializer serializer;

	private final Map<String, JobDefinition<?>> jobs;

	private final List<QueueListener> listeners;

	private final List<JobInterceptor> interceptors;

	private final ThreadFactory threadFactory;

	private final Duration queueLengthInterval;

	private final QueueScripts scripts;

	private final String marker;

	private final String stalledError;

	/** One permit per job this process may hold reserved: concurrency plus prefetch. */
	private final Semaphore slots;

	private final AtomicInteger active = new AtomicInteger();

	/**
	 * Jobs fetched ahead and not started yet: their leases are renewed like running ones'. Held by their
	 * dispatch (identity, not job id): a job recovered and fetched again is a second entry, not the same one.
	 */
	private final Set<Dispatched> queued = ConcurrentHashMap.newKeySet();

	private final AtomicInteger pendingAcks = new AtomicInteger();

	private final Map<String, Execution> inFlight = new ConcurrentHashMap<>();

	private final ReentrantLock lifecycle = new ReentrantLock();

	private volatile boolean running;

	private volatile String consumptionProblem;

	private ThreadPoolExecutor handlers;

	private ScheduledExecutorService scheduler;

	private volatile ExecutorService events;

	private final List<Fetcher> fetchers = new ArrayList<>();

	private QueueWorker(Builder builder) {
		this.settings = builder.settings;
		this.redis = builder.redis;
		this.serializer = builder.serializer;
		this.jobs = Map.copyOf(builder.jobs);
		this.listeners = List.copyOf(builder.listeners);
		this.interceptors = List.copyOf(builder.interceptors);
		this.threadFactory = (builder.threadFactory != null) ? builder.threadFactory
				: ThreadFactories.platform("async-queue-" + this.settings.name() + "-");
		this.queueLengthInterval = builder.queueLengthInterval;
		this.scripts = new QueueScripts(this.redis, this.settings, this::runListenerTask);
		QueueKeys queueKeys = this.scripts.keys();
		this.marker = queueKeys.marker();
		this.stalledError = this.serializer.toJson(Map.of("reason",
				"stalled: the lease expired (worker died, hung or lost Redis) more than "
						+ this.settings.maxStalls() + " time(s)",
				"exception", "stalled"));
		this.slots = new Semaphore(this.settings.concurrency() + this.settings.prefetch());
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
		return this.consumptionProblem;
	}

	/** How many jobs are running in this process now (including ones that ignored an interrupt). */
	public int activeJobs() {
		return this.active.get();
	}

	/** Timers waiting on this worker's scheduler (renewal, wake-ups, handle timeouts): for tests. */
	int pendingTimers() {
		ScheduledExecutorService timer = this.scheduler;
		return (timer instanceof ScheduledThreadPoolExecutor pool) ? pool.getQueue().size() : 0;
	}

	/** Start consuming. Does nothing when already running. */
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			int concurrency = this.settings.concurrency();
			ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), this.threadFactory);
			pool.allowCoreThreadTimeOut(true);
			this.handlers = pool;
			this.events = Executors.newSingleThreadExecutor(
					ThreadFactories.platform("async-queue-" + this.settings.name() + "-events-"));
			ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
					ThreadFactories.platform("async-queue-" + this.settings.name() + "-timer-"));
			// every execution schedules its handle timeout and cancels it when done: without this, a cancelled
			// timer stays queued until it would have fired (10 s of jobs by default, a million at 100k jobs/s)
			timer.setRemoveOnCancelPolicy(true);
			this.scheduler = timer;
			long renewEvery = Math.max(this.settings.leaseDuration().toMillis() / 3, 100);
			this.scheduler.scheduleWithFixedDelay(this::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
			if (this.queueLengthInterval != null && !this.queueLengthInterval.isZero()) {
				QueueOperations operations = new QueueOperations(this.redis, this.serializer, Queues.of(this.settings));
				long every = this.queueLengthInterval.toMillis();
				this.scheduler.scheduleWithFixedDelay(() -> sampleQueueLength(operations), every, every,
						TimeUnit.MILLISECONDS);
			}
			this.fetchers.clear();
			for (int i = 1; i <= this.settings.consumers(); i++) {
				Fetcher fetcher = new Fetcher();
				Thread thread = new Thread(fetcher, "async-queue-" + this.settings.name() + "-fetch-" + i);
				thread.setDaemon(true);
				fetcher.thread = thread;
				this.fetchers.add(fetcher);
				thread.start();
			}
			logger.info("Queue '{}' consuming on channel '{}' with {} consumer(s), concurrency {}",
					this.settings.name(), this.settings.channel(), this.settings.consumers(), concurrency);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * Stop gracefully: stop fetching, let running jobs finish for up to the queue's shutdown timeout,
	 * then interrupt the rest and put them back to waiting without counting their attempt.
	 */
	public void stop() {
		stop(this.settings.shutdownTimeout());
	}

	/**
	 * Stop gracefully with an explicit grace period.
	 * @param gracePeriod how long running jobs may take to finish
	 */
	public void stop(Duration gracePeriod) {
		this.lifecycle.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			for (Fetcher fetcher : this.fetchers) {
				fetcher.wake();
			}
			for (Fetcher fetcher : this.fetchers) {
				joinQuietly(fetcher.thread);
			}
			releaseQueuedJobs();
			long deadline = System.nanoTime() + gracePeriod.toNanos();
			while (activeJobs() > 0 && System.nanoTime() < deadline) {
				sleepQuietly(10);
			}
			releaseRunningJobs();
			// acks of finished jobs still on their way, and the listener calls that follow them
			long acksDeadline = System.nanoTime() + Math.max(gracePeriod.toNanos(), TimeUnit.SECONDS.toNanos(1));
			while (this.pendingAcks.get() > 0 && System.nanoTime() < acksDeadline) {
				sleepQuietly(5);
			}
			this.handlers.shutdownNow();
			this.events.shutdown();
			awaitQuietly(this.events, 1000);
			// completions still queued (acks whose listeners were too slow) run here rather than never
			for (Runnable task : this.events.shutdownNow()) {
				task.run();
			}
			this.scheduler.shutdownNow();
			logger.info("Queue '{}' stopped", this.settings.name());
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Jobs fetched ahead go back to waiting in one round trip instead of starting after the stop. */
	private void releaseQueuedJobs() {
		List<Runnable> tasks = new ArrayList<>();
		this.handlers.getQueue().drainTo(tasks);
		List<Fetched> unstarted = new ArrayList<>();
		for (Runnable task : tasks) {
			if (task instanceof Dispatched dispatched && this.queued.remove(dispatched)) {
				unstarted.add(dispatched.job);
			}
		}
		if (!unstarted.isEmpty()) {
			this.slots.release(unstarted.size());
			// waited for: the connection may be closed right after the stop
			try {
				releaseUnstarted(unstarted).get(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				// logged by releaseUnstarted; the jobs come back when their lease expires
			}
		}
	}

	private void releaseRunningJobs() {
		List<Execution> released = new ArrayList<>();
		for (Execution execution : this.inFlight.values()) {
			if (execution.moveTo(RELEASED)) {
				execution.thread.interrupt();
				released.add(execution);
			}
		}
		if (released.isEmpty()) {
			return;
		}
		List<SettleRecord> records = new ArrayList<>();
		for (Execution execution : released) {
			records.add(settleRecord("release", execution, 0, ""));
		}
		try {
			QueueClient.join(this.scripts.settleAll(records));
			logger.info("Queue '{}': put {} unfinished job(s) back to waiting", this.settings.name(), released.size());
		}
		catch (RuntimeException ex) {
			logger.warn("Queue '{}': could not put {} unfinished job(s) back ({}); they return when their lease expires",
					this.settings.name(), released.size(), ex.getMessage());
		}
		for (Execution execution : released) {
			this.inFlight.remove(execution.id, execution);
			if (execution.info != null) {
				fire((listener) -> listener.afterHandle(execution.info, JobOutcome.RELEASED, execution.elapsed(), null));
			}
		}
	}

	private void sampleQueueLength(QueueOperations operations) {
		try {
			QueueCounts counts = operations.counts(this.settings.name());
			fire((listener) -> listener.queueLength(counts));
		}
		catch (RuntimeException ex) {
			logger.debug("Queue '{}': could not sample its length: {}", this.settings.name(), ex.getMessage());
		}
	}

	private void renewLeases() {
		List<Lease> held = new ArrayList<>();
		for (Execution execution : this.inFlight.values()) {
			if (execution.state() == RUNNING) {
				held.add(new Lease(execution.id, execution.token));
			}
		}
		List<Dispatched> queuedNow = new ArrayList<>(this.queued);
		for (Dispatched dispatched : queuedNow) {
			held.add(new Lease(dispatched.job.id, dispatched.job.token));
		}
		if (held.isEmpty()) {
			return;
		}
		this.scripts.extend(held)
			.whenComplete((lost, failure) -> {
				if (failure != null) {
					logger.warn("Queue '{}': could not renew leases: {}", this.settings.name(), failure.getMessage());
					return;
				}
				for (Lease lease : lost) {
					String id = lease.id();
					String token = lease.token();
					for (Dispatched notStarted : queuedNow) {
						// matched by token too: a copy of the job fetched again under a newer token is still ours
						if (notStarted.job.id.equals(id) && notStarted.job.token.equals(token)
								&& this.queued.remove(notStarted)) {
							// never start a job whose lease is gone: it is someone else's now
							this.slots.release();
							logger.warn("Queue '{}': job {} lost its lease before it started; it was not run here",
									this.settings.name(), id);
						}
					}
					Execution execution = this.inFlight.get(id);
					// an ack that reached Redis before this renewal also reads as "not owned": only a job
					// still running has really lost its lease
					if (execution != null && execution.token.equals(token) && execution.state() == RUNNING
							&& !execution.leaseLost) {
						execution.leaseLost = true;
						logger.warn("Queue '{}': job {} lost its lease while running; it may run again elsewhere",
								this.settings.name(), id);
					}
				}
			});
	}

	private void dispatch(Fetched fetched) {
		Dispatched dispatched = new Dispatched(fetched);
		this.queued.add(dispatched);
		try {
			this.handlers.execute(dispatched);
		}
		catch (RejectedExecutionException ex) {
			this.queued.remove(dispatched);
			this.slots.release();
			releaseUnstarted(List.of(fetched));
		}
	}

	/** A fetched job on its way to a handler thread (a type of its own so that a stop can find it queued). */
	private final class Dispatched implements Runnable {

		private final Fetched job;

		Dispatched(Fetched job) {
			this.job = job;
		}

		@Override
		public void run() {
			if (QueueWorker.this.queued.remove(this)) {
				QueueWorker.this.run(this.job);
			}
		}

	}

	private CompletableFuture<?> releaseUnstarted(List<Fetched> fetched) {
		List<SettleRecord> records = new ArrayList<>();
		// each release is an LPUSH to the head of waiting: the last one first keeps them in their order
		for (int i = fetched.size() - 1; i >= 0; i--) {
			Fetched job = fetched.get(i);
			records.add(SettleRecord.release(job.id, job.token));
		}
		return this.scripts.settleAll(records)
			.whenComplete((reply, failure) -> {
				if (failure != null) {
					logger.warn("Queue '{}': could not put {} fetched job(s) back ({}); they return when their lease expires",
							this.settings.name(), fetched.size(), failure.getMessage());
				}
			});
	}

	private void run(Fetched fetched) {
		// counted before the check, so that a stop waiting for active jobs cannot miss one starting now
		this.active.incrementAndGet();
		if (!this.running) {
			// fetched just before the stop began: nothing starts after a stop, it goes straight back
			this.active.decrementAndGet();
			this.slots.release();
			releaseUnstarted(List.of(fetched));
			return;
		}
		Execution execution = new Execution(fetched.id, fetched.token, fetched.attempt, Thread.currentThread());
		this.inFlight.put(fetched.id, execution);
		try {
			execute(fetched, execution);
		}
		finally {
			this.inFlight.remove(fetched.id, execution);
			this.active.decrementAndGet();
			Thread.interrupted();
			this.slots.release();
		}
	}

	private void execute(Fetched fetched, Execution execution) {
		JobEnvelope envelope = null;
		JobDefinition<?> definition;
		Object payload;
		JobSerializer.Decoded decoded = this.serializer.decode(fetched.envelope, this::payloadTypeOf);
		definition = (decoded != null) ? this.jobs.get(decoded.envelope().job()) : null;
		if (definition != null) {
			envelope = decoded.envelope();
			payload = decoded.payload();
		}
		else {
			// not the plain shape the fast path reads: the tree path reads it, or says what is wrong with it
			try {
				envelope = this.serializer.deserialize(fetched.envelope);
				definition = this.jobs.get(envelope.job());
				if (definition == null) {
					throw new UnreadableJobException("unknown job '" + envelope.job() + "'; this worker of queue '"
							+ this.settings.name() + "' knows " + this.jobs.keySet(), null);
				}
				payload = this.serializer.convert(envelope.payload(), definition.payloadType());
			}
			catch (UnreadableJobException ex) {
				parkUnreadable(execution, envelope, ex);
				return;
			}
		}
		execution.uniqueId = envelope.uniqueId();
		int maxAttempts = definition.maxAttempts(this.settings);
		JobInfo info = new JobInfo(this.settings.name(), fetched.id, envelope.job(), fetched.attempt, maxAttempts,
				envelope.pushedAt(), envelope.headers());
		execution.info = info;
		execution.definition = definition;
		fire((listener) -> listener.beforeHandle(info));
		Context context = new Context(info, envelope.uniqueId());
		Duration handleTimeout = definition.handleTimeout(this.settings);
		ScheduledFuture<?> timeout = null;
		if (!handleTimeout.isZero()) {
			timeout = this.scheduler.schedule(() -> timeOut(execution, handleTimeout), handleTimeout.toMillis(),
					TimeUnit.MILLISECONDS);
		}
		Throwable failure = null;
		try {
			invoke(definition, payload, context, info);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		if (timeout != null) {
			timeout.cancel(false);
		}
		if (!execution.moveTo(DONE)) {
			return;
		}
		finish(execution, context, failure);
	}

	private Type payloadTypeOf(String jobName) {
		JobDefinition<?> definition = this.jobs.get(jobName);
		return (definition != null) ? definition.payloadType() : null;
	}

	@SuppressWarnings("unchecked")
	private <T> void invoke(JobDefinition<T> definition, Object payload, JobContext context, JobInfo info)
			throws Exception {
		invoke(0, info, () -> definition.handler().handle((T) payload, context));
	}

	private void invoke(int index, JobInfo info, JobInterceptor.Invocation handler) throws Exception {
		if (index == this.interceptors.size()) {
			handler.proceed();
			return;
		}
		this.interceptors.get(index).intercept(info, () -> invoke(index + 1, info, handler));
	}

	private void finish(Execution execution, Context context, Throwable failure) {
		JobInfo info = execution.info;
		Duration elapsed = execution.elapsed();
		Requested requested = context.requested;
		JobOutcome outcome;
		boolean settled;
		if (failure == null && requested == null) {
			// The hot path: the ack goes out with other handlers' acks (group commit) and this thread and
			// its slot move on to the next job at once; listeners hear of it once Redis has the ack.
			// (the settler completes acks on the events thread, a whole batch per task)
			ackAsync(execution).whenComplete((owned, ignored) -> fire((listener) -> listener.afterHandle(info,
					Boolean.TRUE.equals(owned) ? JobOutcome.SUCCEEDED : JobOutcome.LEASE_LOST, elapsed, null)));
			return;
		}
		if (failure == null && requested.action.equals("drop")) {
			outcome = JobOutcome.DROPPED;
			settled = settle("drop", execution, 0, "");
			logger.info("Queue '{}': job {} ({}) dropped: {}", this.settings.name(), info.id(), info.jobName(),
					requested.reason);
		}
		else if (failure == null && requested.action.equals("requeue")) {
			outcome = JobOutcome.REQUEUED;
			settled = settle("requeue", execution, requested.delay.toMillis(), "");
		}
		else {
			Throwable cause = (failure != null) ? failure : new RetryRequestedException(info.jobName());
			Duration delay = (failure == null && requested.delay != null) ? requested.delay : null;
			FailureResult result = fail(execution, cause, delay, false);
			outcome = result.outcome;
			settled = result.settled;
		}
		if (!settled) {
			outcome = JobOutcome.LEASE_LOST;
		}
		JobOutcome finalOutcome = outcome;
		fire((listener) -> listener.afterHandle(info, finalOutcome, elapsed, failure));
	}

	private record FailureResult(JobOutcome outcome, boolean settled) {
	}

	private FailureResult fail(Execution execution, Throwable cause, Duration requestedDelay, boolean timedOut) {
		JobInfo info = execution.info;
		String error = errorJson(cause, info.attempt());
		boolean retryable = this.settings.isRetryable(cause) && info.attempt() < info.maxAttempts();
		if (retryable) {
			Duration delay = (requestedDelay != null) ? requestedDelay
					: execution.definition.retryBackoff(this.settings).delayAfter(info.attempt());
			boolean settled = settle("retry", execution, delay.toMillis(), error);
			if (settled) {
				Instant next = Instant.now().plus(delay);
				logger.debug("Queue '{}': job {} ({}) attempt {}/{} failed, retrying at {}: {}", this.settings.name(),
						info.id(), info.jobName(), info.attempt(), info.maxAttempts(), next, cause.toString());
				fire((listener) -> listener.retrying(info, cause, next));
			}
			return new FailureResult(timedOut ? JobOutcome.TIMED_OUT : JobOutcome.RETRIED, settled);
		}
		boolean settled = settle("fail", execution, 0, error);
		if (settled) {
			logger.warn("Queue '{}': job {} ({}) failed for good after attempt {}/{}: {}", this.settings.name(),
					info.id(), info.jobName(), info.attempt(), info.maxAttempts(), cause.toString());
			fire((listener) -> listener.failed(info, cause));
		}
		return new FailureResult(timedOut ? JobOutcome.TIMED_OUT : JobOutcome.FAILED, settled);
	}

	private void timeOut(Execution execution, Duration handleTimeout) {
		if (!execution.moveTo(TIMED_OUT)) {
			return;
		}
		execution.thread.interrupt();
		this.inFlight.remove(execution.id, execution);
		JobTimeoutException cause = new JobTimeoutException(execution.info.jobName(), handleTimeout);
		CompletableFuture.runAsync(() -> {
			FailureResult result = fail(execution, cause, null, true);
			JobOutcome outcome = result.settled ? JobOutcome.TIMED_OUT : JobOutcome.LEASE_LOST;
			fire((listener) -> listener.afterHandle(execution.info, outcome, execution.elapsed(), cause));
		});
	}

	private void parkUnreadable(Execution execution, JobEnvelope envelope, UnreadableJobException ex) {
		if (!execution.moveTo(DONE)) {
			return;
		}
		execution.uniqueId = (envelope != null) ? envelope.uniqueId() : null;
		logger.warn("Queue '{}': job {} parked in failed: {}", this.settings.name(), execution.id, ex.getMessage());
		settle("fail", execution, 0, errorJson(ex, execution.attempt));
		JobInfo info = new JobInfo(this.settings.name(), execution.id, (envelope != null) ? envelope.job() : null,
				execution.attempt, execution.attempt, (envelope != null) ? envelope.pushedAt() : Instant.EPOCH,
				(envelope != null) ? envelope.headers() : Map.of());
		fire((listener) -> listener.failed(info, ex));
	}

	private String errorJson(Throwable cause, int attempt) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("reason", (cause instanceof UnreadableJobException) ? cause.getMessage() : cause.toString());
		error.put("exception", cause.getClass().getName());
		error.put("message", cause.getMessage());
		error.put("attempt", attempt);
		return this.serializer.toJson(error);
	}

	private CompletableFuture<Boolean> ackAsync(Execution execution) {
		SettleRecord record = settleRecord("ack", execution, 0, "");
		CompletableFuture<Boolean> result = new CompletableFuture<>();
		this.pendingAcks.incrementAndGet();
		result.whenComplete((owned, failure) -> this.pendingAcks.decrementAndGet());
		ackAsync(record, execution, result,
				System.nanoTime() + this.settings.leaseDuration().toNanos(), 50, false);
		return result;
	}

	private void ackAsync(SettleRecord record, Execution execution, CompletableFuture<Boolean> result, long giveUpAt,
			long backoff, boolean retrying) {
		this.scripts.settleThenFollowUp(record).whenComplete((owned, failure) -> {
			if (failure == null) {
				// after a failure whose reply was lost, "not owned" most likely means the first try landed
				result.complete(owned || retrying);
				return;
			}
			if (System.nanoTime() > giveUpAt) {
				logger.warn("Queue '{}': could not ack job {} ({}); it will run again when its lease expires",
						this.settings.name(), execution.id, failure.getMessage());
				result.complete(true);
				return;
			}
			try {
				this.scheduler.schedule(
						() -> ackAsync(record, execution, result, giveUpAt, Math.min(backoff * 2, 2000), true), backoff,
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				result.complete(true);
			}
		});
	}

	/**
	 * Settle completions and the listener work after an ack run on a thread of their own: never on
	 * Lettuce's I/O thread, and never queued on the handler pool ahead of jobs.
	 */
	private void runListenerTask(Runnable task) {
		ExecutorService events = this.events;
		if (events == null) {
			task.run();
			return;
		}
		try {
			events.execute(task);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	/**
	 * Settle a job, retrying through Redis outages until its lease would have expired anyway.
	 * @return whether this worker still owned the job
	 */
	private boolean settle(String action, Execution execution, long delayMillis, String error) {
		SettleRecord record = settleRecord(action, execution, delayMillis, error);
		long giveUpAt = System.nanoTime() + this.settings.leaseDuration().toNanos();
		long backoff = 50;
		boolean retrying = false;
		while (true) {
			try {
				boolean owned = QueueClient.join(this.scripts.settle(record));
				// after a failure whose reply was lost, "not owned" most likely means the first try landed
				return owned || retrying;
			}
			catch (RuntimeException ex) {
				retrying = true;
				if (System.nanoTime() > giveUpAt) {
					logger.warn("Queue '{}': could not {} job {} ({}); it will run again when its lease expires",
							this.settings.name(), action, execution.id, ex.getMessage());
					return true;
				}
				sleepQuietly(backoff);
				backoff = Math.min(backoff * 2, 2000);
			}
		}
	}

	private static SettleRecord settleRecord(String action, Execution execution, long delayMillis, String error) {
		return SettleRecord.of(action, execution.id, execution.token, delayMillis, error, execution.uniqueId);
	}

	private void fire(Consumer<QueueListener> event) {
		for (QueueListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (Throwable ex) {
				logger.warn("Queue '{}': listener {} failed; the job's outcome is unchanged", this.settings.name(),
						listener, ex);
			}
		}
	}

	/** An out-of-memory refusal is not an outage: say what it is and what frees it. */
	static String describeFetchFailure(Throwable cause) {
		String message = String.valueOf(cause.getMessage());
		if (message.startsWith("OOM ")) {
			return "Redis is out of memory (maxmemory reached under a noeviction policy), fetches are refused: "
					+ message + ". Raise maxmemory or free memory (flush or reload old failed jobs)";
		}
		return "Redis unavailable: " + cause;
	}

	private static void awaitQuietly(ExecutorService executor, long millis) {
		try {
			executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void joinQuietly(Thread thread) {
		try {
			thread.join(10_000);
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

	/** One fetch loop with its own blocking connection. */
	private final class Fetcher implements Runnable {

		private Thread thread;

		private volatile BlockingConnection connection;

		private int failures;

		private ScheduledFuture<?> pendingWake;

		private boolean backlog;

		@Override
		public void run() {
			try {
				while (QueueWorker.this.running) {
					try {
						fetchOnce();
						QueueWorker.this.consumptionProblem = null;
						if (this.failures > 0) {
							logger.info("Queue '{}': Redis is back after {} failed attempt(s); consuming again",
									QueueWorker.this.settings.name(), this.failures);
							this.failures = 0;
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					catch (RuntimeException | ExecutionException ex) {
						if (!QueueWorker.this.running) {
							return;
						}
						Throwable cause = QueueClient.rootCause(ex);
						String problem = describeFetchFailure(cause);
						boolean changed = !problem.equals(QueueWorker.this.consumptionProblem);
						QueueWorker.this.consumptionProblem = problem;
						if (this.failures++ == 0 || changed) {
							logger.warn("Queue '{}': {}; retrying with backoff", QueueWorker.this.settings.name(), problem);
						}
						closeConnection();
						// a command rejected while disconnected costs nothing, so retry often: consumers
						// resume within about a second of Redis (and Lettuce's reconnect) coming back
						Thread.sleep(Math.min(100L << Math.min(this.failures, 4), 1000));
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				closeConnection();
			}
		}

		private void fetchOnce() throws InterruptedException, ExecutionException {
			QueueSettings settings = QueueWorker.this.settings;
			Semaphore slots = QueueWorker.this.slots;
			int prefetch = settings.prefetch();
			int batch = Math.min(settings.fetchBatchSize(), settings.concurrency() + prefetch);
			int permits;
			if (this.backlog || prefetch == 0) {
				if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
					return;
				}
				permits = 1;
				while (permits < batch && slots.tryAcquire()) {
					permits++;
				}
			}
			else {
				// No backlog: reserve only what free handlers start at once. A job pushed to a quiet queue
				// while every handler here is busy is left to another process; it is not queued behind them.
				if (!slots.tryAcquire(prefetch + 1, 200, TimeUnit.MILLISECONDS)) {
					return;
				}
				slots.release(prefetch);
				permits = 1;
				while (permits < batch && slots.availablePermits() > prefetch && slots.tryAcquire()) {
					permits++;
				}
			}
			if (this.backlog && permits < batch) {
				// Jobs are waiting and handlers are finishing one by one: gather the slots they free for
				// up to a millisecond, so that one fetch reserves a batch instead of one job per round trip.
				long gatherUntil = System.nanoTime() + GATHER_NANOS;
				long left;
				while (permits < batch && (left = gatherUntil - System.nanoTime()) > 0
						&& slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
					permits++;
				}
			}
			FetchReply reply;
			try {
				reply = fetch(permits);
			}
			catch (RuntimeException ex) {
				QueueWorker.this.slots.release(permits);
				throw ex;
			}
			QueueWorker.this.slots.release(permits - reply.jobs.size());
			this.backlog = reply.wakeInMillis == 0;
			if (!reply.recovered.isEmpty() || !reply.failed.isEmpty()) {
				logger.warn("Queue '{}': recovered {} stalled job(s), parked {} that stalled too often",
						QueueWorker.this.settings.name(), reply.recovered.size(), reply.failed.size());
				fire((listener) -> listener.stalled(QueueWorker.this.settings.name(), reply.recovered, reply.failed));
			}
			if (!QueueWorker.this.running) {
				if (!reply.jobs.isEmpty()) {
					QueueWorker.this.slots.release(reply.jobs.size());
					releaseUnstarted(reply.jobs);
				}
				return;
			}
			for (Fetched job : reply.jobs) {
				dispatch(job);
			}
			if (reply.jobs.isEmpty() && reply.wakeInMillis != 0) {
				long wait = QueueWorker.this.settings.blockingTimeout().toMillis();
				if (reply.wakeInMillis > 0 && reply.wakeInMillis < wait) {
					// Redis checks blocking timeouts only every 100 ms (hz 10): a timer of ours signals
					// the marker when the next delayed job or lease falls due, and the timeout is a fallback.
					scheduleWake(reply.wakeInMillis);
					wait = Math.min(wait, reply.wakeInMillis + 250);
				}
				BlockingConnection blocking = this.connection;
				if (blocking == null || !blocking.isOpen()) {
					blocking = QueueWorker.this.redis.openBlockingConnection();
					this.connection = blocking;
				}
				if (QueueWorker.this.running) {
					blocking.awaitSignal(QueueWorker.this.marker, Duration.ofMillis(wait));
				}
			}
		}

		private FetchReply fetch(int count) {
			io.asyncqueue.core.scripts.FetchReply reply = QueueClient
				.join(QueueWorker.this.scripts.fetch(count, QueueWorker.this.stalledError));
			List<Fetched> jobs = new ArrayList<>(reply.jobs().size());
			for (io.asyncqueue.core.scripts.FetchedJob job : reply.jobs()) {
				jobs.add(new Fetched(job.id(), job.attempt(), job.token(), job.envelope()));
			}
			return new FetchReply(jobs, reply.recovered(), reply.failed(), reply.wakeInMillis());
		}

		private void scheduleWake(long delayMillis) {
			ScheduledFuture<?> previous = this.pendingWake;
			if (previous != null) {
				previous.cancel(false);
			}
			try {
				this.pendingWake = QueueWorker.this.scheduler.schedule(
						QueueWorker.this.scripts::signal, delayMillis,
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}

		void wake() {
			closeConnection();
		}

		private void closeConnection() {
			BlockingConnection blocking = this.connection;
			this.connection = null;
			if (blocking != null) {
				blocking.close();
			}
		}

	}

	private record Fetched(String id, int attempt, String token, String envelope) {
	}

	private record FetchReply(List<Fetched> jobs, List<String> recovered, List<String> failed, long wakeInMillis) {
	}

	/** One running job. Its state moves once from RUNNING to DONE, TIMED_OUT or RELEASED. */
	private static final class Execution {

		private final String id;

		private final String token;

		private final int attempt;

		private final Thread thread;

		private final long startNanos = System.nanoTime();

		private final AtomicInteger state = new AtomicInteger(
				RUNNING);

		private volatile JobInfo info;

		private volatile JobDefinition<?> definition;

		private volatile String uniqueId;

		private volatile boolean leaseLost;

		Execution(String id, String token, int attempt, Thread thread) {
			this.id = id;
			this.token = token;
			this.attempt = attempt;
			this.thread = thread;
		}

		int state() {
			return this.state.get();
		}

		boolean moveTo(int next) {
			return this.state.compareAndSet(RUNNING, next);
		}

		Duration elapsed() {
			return Duration.ofNanos(System.nanoTime() - this.startNanos);
		}

	}

	private record Requested(String action, Duration delay, String reason) {
	}

	private static final class Context implements JobContext {

		private final JobInfo info;

		private final String uniqueId;

		private volatile Requested requested;

		Context(JobInfo info, String uniqueId) {
			this.info = info;
			this.uniqueId = uniqueId;
		}

		@Override
		public String id() {
			return this.info.id();
		}

		@Override
		public String queue() {
			return this.info.queue();
		}

		@Override
		public String jobName() {
			return this.info.jobName();
		}

		@Override
		public int attempt() {
			return this.info.attempt();
		}

		@Override
		public int maxAttempts() {
			return this.info.maxAttempts();
		}

		@Override
		public Instant pushedAt() {
			return this.info.pushedAt();
		}

		@Override
		public String uniqueId() {
			return this.uniqueId;
		}

		@Override
		public Map<String, String> headers() {
			return this.info.headers();
		}

		@Override
		public void retry() {
			this.requested = new Requested("retry", null, null);
		}

		@Override
		public void retry(Duration delay) {
			this.requested = new Requested("retry", requireNonNegative(delay), null);
		}

		@Override
		public void requeue(Duration delay) {
			this.requested = new Requested("requeue", requireNonNegative(delay), null);
		}

		@Override
		public void drop(String reason) {
			this.requested = new Requested("drop", null, reason);
		}

		private static Duration requireNonNegative(Duration delay) {
			Objects.requireNonNull(delay, "delay");
			if (delay.isNegative()) {
				throw new IllegalArgumentException("delay must not be negative, was " + delay);
			}
			return delay;
		}

	}

	/** Thrown into the retry path when a handler asks for a retry without throwing. */
	static final class RetryRequestedException extends RuntimeException {

		RetryRequestedException(String jobName) {
			super("Job '" + jobName + "' asked to be retried");
		}

	}

	/** Builds a {@link QueueWorker}. */
	public static final class Builder {

		private final QueueSettings settings;

		private final RedisConnector redis;

		private JobSerializer serializer = new JobSerializer();

		private final Map<String, JobDefinition<?>> jobs = new LinkedHashMap<>();

		private final List<QueueListener> listeners = new ArrayList<>();

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

		public Builder listener(QueueListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
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
		 * Sample the queue's counts and report them to {@link QueueListener#queueLength} at this interval.
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
