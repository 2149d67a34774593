package io.asyncqueue.core.worker;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.JobDefinition;
import io.asyncqueue.core.JobEnvelope;
import io.asyncqueue.core.JobInfo;
import io.asyncqueue.core.JobInterceptor;
import io.asyncqueue.core.JobOutcome;
import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.JobTimeoutException;
import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RetryRequestedException;
import io.asyncqueue.core.UnreadableJobException;
import io.asyncqueue.core.worker.HandlerContext.Action;
import io.asyncqueue.core.worker.HandlerContext.Request;

/**
 * Runs reserved jobs on handler threads: reads the envelope into the handler's payload type, calls the
 * interceptors and the handler under the job's handle timeout, and turns what happened into an outcome that
 * the {@link Settler} writes and the listeners hear of once it is written.
 */
public final class JobRunner {

	private static final Logger logger = LoggerFactory.getLogger(JobRunner.class);

	private final QueueSettings settings;

	private final JobSerializer serializer;

	private final Map<String, JobDefinition<?>> jobs;

	private final List<JobInterceptor> interceptors;

	private final LeaseKeeper keeper;

	private final Settler settler;

	private final ObserverFanOut observers;

	private final Executor handlers;

	private final PrefetchWindow window;

	private final GlobalSlots slots;

	private final BooleanSupplier running;

	private final FailurePolicy failures;

	private final AtomicInteger active = new AtomicInteger();

	/**
	 * A runner of one queue's jobs.
	 * @param settings the queue
	 * @param serializer reads envelopes and writes errors
	 * @param jobs the jobs this process knows, by name
	 * @param interceptors wrap every handler call, the first outermost
	 * @param keeper holds the reserved jobs' leases
	 * @param settler writes outcomes
	 * @param listeners hear of every execution
	 * @param handlers the handler threads
	 * @param window the permits of reserved jobs: one is given back as each job's handler returns, with the time
	 * it took
	 * @param slots the slots of the global concurrency held here, and the jobs waiting for one
	 * @param running whether the worker is still running: nothing starts once it is not
	 */
	public JobRunner(QueueSettings settings, JobSerializer serializer, Map<String, JobDefinition<?>> jobs,
			List<JobInterceptor> interceptors, LeaseKeeper keeper, Settler settler, ObserverFanOut listeners,
			Executor handlers, PrefetchWindow window, GlobalSlots slots, BooleanSupplier running) {
		this.settings = settings;
		this.serializer = serializer;
		this.jobs = jobs;
		this.interceptors = interceptors;
		this.keeper = keeper;
		this.settler = settler;
		this.observers = listeners;
		this.handlers = handlers;
		this.window = window;
		this.slots = slots;
		this.running = running;
		this.failures = new FailurePolicy(settings, serializer);
		settler.handSlotsWith(this::handSlotOn, this::start);
	}

	/** The slots of the global concurrency held here, and the jobs waiting for one. */
	GlobalSlots slots() {
		return this.slots;
	}

	/** How many jobs are running now, including ones whose handler ignored an interrupt. */
	public int activeJobs() {
		return this.active.get();
	}

	/**
	 * Hand a reserved job to a handler thread; it waits in the pool's queue while every handler is busy. A job
	 * reserved ahead of a slot takes over the slot of a finished job that kept it for a job of this fetch, or waits
	 * for one that finishes.
	 * @param job the job
	 */
	public void dispatch(ReservedJob job) {
		this.keeper.reserved(job);
		if (!job.ahead()) {
			start(job);
			return;
		}
		Settler.Pending settle;
		ReservedJob holder;
		synchronized (this.slots) {
			settle = this.slots.takeKept();
			if (settle == null) {
				this.slots.waitAhead(job);
				return;
			}
			holder = this.keeper.handSlot(job);
			if (holder == null) {
				// taken back meanwhile (a stop): the slot waits for the next one
				this.slots.keepAgain(settle);
				return;
			}
		}
		settle.send(holder);
	}

	/**
	 * A fetch that may reserve jobs ahead is on its way: jobs finishing meanwhile may keep their slot for its jobs.
	 * Each call is followed by one {@link #fetchOver()}, once the fetch's jobs are dispatched (or it failed).
	 */
	void fetchComing() {
		this.slots.fetchComing();
	}

	/** A fetch announced by {@link #fetchComing()} is over: the slots that its jobs did not take go back to Redis. */
	void fetchOver() {
		giveBack(this.slots.fetchOver());
	}

	/**
	 * The worker stops fetching: the slots kept for jobs of a fetch on its way go back to Redis now, with their
	 * jobs' settles, rather than whenever a fetch loop stuck in a call to Redis gets out of it.
	 */
	public void releaseKeptSlots() {
		giveBack(this.slots.close());
	}

	private void giveBack(List<Settler.Pending> kept) {
		for (Settler.Pending settle : kept) {
			this.slots.freed();
			settle.send(null);
		}
	}

	/** Hand a job that holds a slot (or needs none) to the handler threads. */
	private void start(ReservedJob job) {
		try {
			this.handlers.execute(() -> runIfClaimed(job));
		}
		catch (RejectedExecutionException ex) {
			this.keeper.giveBack(job);
		}
	}

	/**
	 * A job that held a slot is being settled: the next job reserved ahead takes the slot over (the settler starts
	 * it once the settle is on its way); when there is none, the slot waits for a job of a fetch on its way, or goes
	 * back to Redis with the settle (always when another consumer waits for a slot, the handler asked the queue to
	 * back off, or the worker is stopping).
	 */
	private void handSlotOn(String action, Settler.Pending settle) {
		if (!action.equals("rate-limited") && this.running.getAsBoolean()) {
			ReservedJob holder = nextHolder();
			if (holder == null && this.slots.mayKeep()) {
				synchronized (this.slots) {
					// again under the monitor: a job that came since would otherwise wait beside a kept slot
					holder = nextHolder();
					if (holder == null && this.slots.keep(settle)) {
						return;
					}
				}
			}
			if (holder != null) {
				settle.send(holder);
				return;
			}
		}
		this.slots.freed();
		settle.send(null);
	}

	/** The next job reserved ahead that is still this worker's to start, now holding a slot; or {@code null}. */
	private ReservedJob nextHolder() {
		ReservedJob next;
		while ((next = this.slots.nextAhead()) != null) {
			ReservedJob holder = this.keeper.handSlot(next);
			if (holder != null) {
				return holder;
			}
		}
		return null;
	}

	/**
	 * A fetch gave slots to jobs reserved ahead: they go to the handlers (those a finishing job took meanwhile are
	 * running already; that job's settle freed its own slot instead).
	 * @param named the jobs reserved ahead that the fetch named
	 * @param ids those it gave a slot
	 */
	void promoted(List<ReservedJob> named, List<String> ids) {
		for (ReservedJob job : named) {
			if (!ids.contains(job.id()) || !this.slots.take(job)) {
				continue;
			}
			ReservedJob holder = this.keeper.handSlot(job);
			if (holder != null) {
				this.slots.granted(1);
				start(holder);
			}
		}
	}

	/** Jobs reserved ahead go back to waiting while another consumer waits for a slot. */
	void returnStranded() {
		List<ReservedJob> stranded = this.slots.stranded();
		if (!stranded.isEmpty()) {
			this.keeper.giveBack(stranded);
		}
	}

	private void runIfClaimed(ReservedJob job) {
		// counted before the checks, so that a stop waiting for active jobs cannot miss one starting now
		this.active.incrementAndGet();
		boolean claimed = false;
		long start = 0;
		try {
			if (!this.running.getAsBoolean()) {
				// fetched just before the stop began: nothing starts after a stop, it goes straight back
				this.keeper.giveBack(job);
				return;
			}
			claimed = this.keeper.claim(job);
			if (claimed) {
				start = System.nanoTime();
				run(job);
			}
		}
		finally {
			this.active.decrementAndGet();
			if (claimed) {
				this.window.jobDone(System.nanoTime() - start);
			}
		}
	}

	private void run(ReservedJob job) {
		Execution execution = new Execution(job, Thread.currentThread());
		this.keeper.started(execution);
		try {
			execute(execution);
		}
		finally {
			this.keeper.finished(execution);
			execution.clearInterrupt();
		}
	}

	private void execute(Execution execution) {
		ReservedJob job = execution.job();
		JobEnvelope envelope = null;
		JobDefinition<?> definition;
		Object payload;
		JobSerializer.Decoded decoded = this.serializer.decode(job.envelope(), this::payloadTypeOf);
		definition = (decoded != null) ? this.jobs.get(decoded.envelope().job()) : null;
		if (definition != null) {
			envelope = decoded.envelope();
			payload = decoded.payload();
		}
		else {
			// not the plain shape the fast path reads: the tree path reads it, or says what is wrong with it
			try {
				envelope = this.serializer.deserialize(job.envelope());
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
		execution.uniqueId(envelope.uniqueId());
		JobInfo info = new JobInfo(this.settings.name(), job.id(), envelope.job(), job.attempt(),
				definition.maxAttempts(this.settings), envelope.pushedAt(), envelope.headers(), envelope.priority());
		execution.info(info);
		execution.definition(definition);
		if (info.attempt() > info.maxAttempts()) {
			// an earlier attempt was reserved and then lost with its lease (a worker that died, hung or lost Redis),
			// or max-attempts was lowered meanwhile: max-attempts counts reservations, so it is parked, not run
			parkAttemptsUsed(execution, info);
			return;
		}
		this.observers.fire((observer) -> observer.beforeHandle(info));
		HandlerContext context = new HandlerContext(info, envelope.uniqueId());
		Duration handleTimeout = definition.handleTimeout(this.settings);
		if (!handleTimeout.isZero()) {
			// watched by checkTimeouts() on the timer: no timer scheduled and cancelled per job, which at tens of
			// thousands of jobs a second was a fifth of the worker's CPU (a locked heap of timers)
			execution.watchTimeout(handleTimeout);
		}
		Throwable failure = null;
		try {
			invoke(definition, payload, context, info);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		if (execution.complete()) {
			finish(execution, context.request(), failure);
		}
	}

	private Type payloadTypeOf(String jobName) {
		JobDefinition<?> definition = this.jobs.get(jobName);
		return (definition != null) ? definition.payloadType() : null;
	}

	@SuppressWarnings("unchecked")
	private <T> void invoke(JobDefinition<T> definition, Object payload, HandlerContext context, JobInfo info)
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

	private void finish(Execution execution, Request request, Throwable failure) {
		JobInfo info = execution.info();
		Duration elapsed = execution.elapsed();
		if (failure == null && request == null) {
			// The hot path: the ack goes out with other handlers' acks (group commit) and this thread and its
			// slot move on to the next job at once; listeners hear of it once Redis has the ack.
			this.settler.settle("ack", execution, 0, "", true,
					(result) -> afterHandle(info, outcome(result, JobOutcome.SUCCEEDED), elapsed, null, null, result));
		}
		else if (failure == null && request.action() == Action.DROP) {
			this.settler.settle("drop", execution, 0, "", true, (result) -> {
				if (result == Settler.Result.SETTLED) {
					logger.info("Queue '{}': job {} ({}) dropped: {}", this.settings.name(), info.id(), info.jobName(),
							request.reason());
				}
				afterHandle(info, outcome(result, JobOutcome.DROPPED), elapsed, null, request.reason(), result);
			});
		}
		else if (failure == null && request.action() == Action.REQUEUE) {
			this.settler.settle("requeue", execution, request.delay().toMillis(), "", true,
					(result) -> afterHandle(info, outcome(result, JobOutcome.REQUEUED), elapsed, null, null, result));
		}
		else if (failure == null && request.action() == Action.RATE_LIMITED) {
			this.settler.settle("rate-limited", execution, request.delay().toMillis(), "", true,
					(result) -> afterHandle(info, outcome(result, JobOutcome.REQUEUED), elapsed, null, null, result));
		}
		else {
			Throwable cause = (failure != null) ? failure : new RetryRequestedException(info.jobName());
			Duration requested = (failure == null) ? request.delay() : null;
			settleFailure(execution, cause, requested, false);
		}
	}

	/** A failed attempt: retried or parked in failed, and listeners told once Redis has it. */
	private void settleFailure(Execution execution, Throwable cause, Duration requestedDelay, boolean timedOut) {
		JobInfo info = execution.info();
		Duration elapsed = execution.elapsed();
		String error = this.failures.errorJson(cause, info.attempt());
		Duration delay = this.failures.retryDelay(execution, cause, requestedDelay);
		// the timer's thread (timeouts) never waits for settle capacity: it also renews leases
		boolean handlerThread = !timedOut;
		if (delay != null) {
			this.settler.settle("retry", execution, delay.toMillis(), error, handlerThread, (result) -> {
				if (result == Settler.Result.SETTLED) {
					Instant next = Instant.now().plus(delay);
					logger.debug("Queue '{}': job {} ({}) attempt {}/{} failed, retrying at {}: {}",
							this.settings.name(), info.id(), info.jobName(), info.attempt(), info.maxAttempts(), next,
							cause.toString());
					this.observers.fire((observer) -> observer.retrying(info, cause, next));
				}
				afterHandle(info, outcome(result, timedOut ? JobOutcome.TIMED_OUT : JobOutcome.RETRIED), elapsed,
						cause, null, result);
			});
			return;
		}
		this.settler.settle("fail", execution, 0, error, handlerThread, (result) -> {
			if (result == Settler.Result.SETTLED) {
				logger.warn("Queue '{}': job {} ({}) failed for good after attempt {}/{}: {}", this.settings.name(),
						info.id(), info.jobName(), info.attempt(), info.maxAttempts(), cause.toString());
				this.observers.fire((observer) -> observer.failed(info, cause));
			}
			afterHandle(info, outcome(result, timedOut ? JobOutcome.TIMED_OUT : JobOutcome.FAILED), elapsed, cause,
					null, result);
		});
	}

	private static JobOutcome outcome(Settler.Result result, JobOutcome intended) {
		return switch (result) {
			case SETTLED -> intended;
			case NOT_OWNED -> JobOutcome.LEASE_LOST;
			case UNCONFIRMED -> JobOutcome.UNCONFIRMED;
		};
	}

	private void afterHandle(JobInfo info, JobOutcome outcome, Duration elapsed, Throwable failure, String reason,
			Settler.Result result) {
		String said = (result == Settler.Result.UNCONFIRMED)
				? "the outcome could not be confirmed in Redis before the lease ran out; the job may run again"
				: reason;
		this.observers.fire((observer) -> observer.afterHandle(info, outcome, elapsed, failure, said));
	}

	/**
	 * How often {@link #checkTimeouts()} should run: a twentieth of the shortest handle timeout of the queue and
	 * its jobs, between 5 and 100 ms; 0 when no job has one.
	 */
	public long timeoutTickMillis() {
		long shortest = Long.MAX_VALUE;
		Duration queue = this.settings.handleTimeout();
		if (!queue.isZero()) {
			shortest = queue.toMillis();
		}
		for (JobDefinition<?> definition : this.jobs.values()) {
			Duration timeout = definition.handleTimeout(this.settings);
			if (!timeout.isZero()) {
				shortest = Math.min(shortest, timeout.toMillis());
			}
		}
		return (shortest == Long.MAX_VALUE) ? 0 : Math.max(5, Math.min(shortest / 20, 100));
	}

	/** Time out the executions running past their handle timeout. Runs on the timer, every tick. */
	public void checkTimeouts() {
		long now = System.nanoTime();
		for (Execution execution : this.keeper.running()) {
			Duration timeout = execution.overdue(now);
			if (timeout != null) {
				timeOut(execution, timeout);
			}
		}
	}

	private void timeOut(Execution execution, Duration handleTimeout) {
		if (!execution.timeOut()) {
			return;
		}
		this.keeper.finished(execution);
		settleFailure(execution, new JobTimeoutException(execution.info().jobName(), handleTimeout), null, true);
	}

	private void parkUnreadable(Execution execution, JobEnvelope envelope, UnreadableJobException ex) {
		if (!execution.complete()) {
			return;
		}
		execution.uniqueId((envelope != null) ? envelope.uniqueId() : null);
		JobInfo info = new JobInfo(this.settings.name(), execution.id(), (envelope != null) ? envelope.job() : null,
				execution.attempt(), execution.attempt(), (envelope != null) ? envelope.pushedAt() : Instant.EPOCH,
				(envelope != null) ? envelope.headers() : Map.of());
		this.settler.settle("fail", execution, 0, this.failures.errorJson(ex, execution.attempt()), true,
				(result) -> {
					if (result == Settler.Result.SETTLED) {
						logger.warn("Queue '{}': job {} parked in failed: {}", this.settings.name(), execution.id(),
								ex.getMessage());
						this.observers.fire((observer) -> {
							observer.unreadable(info, ex);
							observer.failed(info, ex);
						});
					}
				});
	}

	private void parkAttemptsUsed(Execution execution, JobInfo info) {
		if (!execution.complete()) {
			return;
		}
		QueueException cause = new QueueException("attempts used up: attempt " + info.attempt() + " exceeds max-attempts "
				+ info.maxAttempts() + " (an earlier attempt was lost with its lease, or max-attempts was lowered), so it "
				+ "is not run");
		this.settler.settle("fail", execution, 0, this.failures.stalledJson(cause, info.attempt()), true, (result) -> {
			if (result == Settler.Result.SETTLED) {
				logger.warn("Queue '{}': job {} ({}) parked in failed: {}", this.settings.name(), info.id(),
						info.jobName(), cause.getMessage());
				this.observers.fire((observer) -> observer.failed(info, cause));
			}
		});
	}

	/**
	 * At a stop, once running jobs had their grace: interrupt the rest and put them straight back to waiting
	 * without counting the attempt.
	 * @param timeoutMillis how long to wait for Redis to take them
	 */
	public void releaseRunning(long timeoutMillis) {
		List<Execution> released = new ArrayList<>();
		for (Execution execution : this.keeper.running()) {
			if (execution.release()) {
				this.keeper.finished(execution);
				released.add(execution);
			}
		}
		if (released.isEmpty()) {
			return;
		}
		List<ReservedJob> jobs = released.stream().map(Execution::job).toList();
		try {
			this.settler.release(jobs).get(timeoutMillis, TimeUnit.MILLISECONDS);
			logger.info("Queue '{}': put {} unfinished job(s) back to waiting", this.settings.name(), released.size());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// logged by the settler: they return when their lease expires
		}
		for (Execution execution : released) {
			JobInfo info = execution.info();
			if (info != null) {
				this.observers.fire((observer) -> observer.afterHandle(info, JobOutcome.RELEASED, execution.elapsed(),
						null, null));
			}
		}
	}

}
