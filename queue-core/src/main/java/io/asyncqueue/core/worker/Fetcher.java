package io.asyncqueue.core.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.redis.BlockingConnection;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.FetchReply;
import io.asyncqueue.core.scripts.FetchedJob;
import io.asyncqueue.core.scripts.Lease;
import io.asyncqueue.core.scripts.QueueScripts;

/**
 * One fetch loop with its own blocking connection: reserves as many jobs as there are free slots (plus
 * prefetch while the queue has a backlog), hands them on, and when nothing is ready blocks on the queue's marker
 * until a push signals it, a delayed job or lease falls due, or the blocking timeout passes.
 */
public final class Fetcher implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(Fetcher.class);

	private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** The longest a fetch waits for the settles that freed its slots to be sent ahead of it. */
	private static final long SETTLES_SENT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** The longest a limit's wait is slept here rather than spent blocked on the marker (a stop waits it out). */
	private static final long LOCAL_WAIT_MILLIS = 250;

	private final QueueSettings settings;

	private final RedisConnector redis;

	private final QueueScripts scripts;

	private final ShardSweep shards;

	private final List<JobRunner> runners;

	private final String marker;

	private final String stalledError;

	private final Semaphore slots;

	private final PrefetchWindow window;

	private final ObserverFanOut observers;

	private final ScheduledExecutorService timer;

	private final BooleanSupplier running;

	private final AtomicReference<String> problem;

	private volatile BlockingConnection connection;

	private int failures;

	private ScheduledFuture<?> pendingWake;

	private boolean backlog;

	/** The runner told that a fetch is on its way ({@link JobRunner#fetchComing()}), until it hears it is over. */
	private JobRunner announced;

	/**
	 * A fetch loop of a sharded queue: one loop and one blocking connection for every shard (see
	 * {@link ShardSweep}).
	 * @param settings the queue
	 * @param redis the connector, for the loop's own blocking connection
	 * @param shards each shard's scripts, shard 0 first: idle loops block on its marker
	 * @param runners where each shard's reserved jobs go, in the same order, with the slots of the global
	 * concurrency each holds
	 * @param serializer writes the error of jobs that stalled too often
	 * @param window the permits of the jobs this process may hold reserved (the loop takes one per job it
	 * reserves) and the prefetch, which each fetch's round trip may move
	 * @param listeners hear of stalled jobs this loop recovered
	 * @param timer signals the marker when the next delayed job or lease falls due
	 * @param running whether to go on
	 * @param problem where the loop says why it cannot fetch, and clears it once it can
	 */
	public Fetcher(QueueSettings settings, RedisConnector redis, List<QueueScripts> shards,
			List<JobRunner> runners, JobSerializer serializer, PrefetchWindow window,
			ObserverFanOut listeners, ScheduledExecutorService timer, BooleanSupplier running,
			AtomicReference<String> problem) {
		this.settings = settings;
		this.redis = redis;
		this.shards = new ShardSweep(shards,
				runners.stream().<Consumer<ReservedJob>>map((runner) -> runner::dispatch).toList());
		this.runners = List.copyOf(runners);
		this.scripts = this.shards.doorbell();
		this.marker = this.scripts.keys().marker();
		this.stalledError = serializer.toJson(Map.of("reason",
				"stalled: the lease expired (worker died, hung or lost Redis) more than " + settings.maxStalls()
						+ " time(s)",
				"exception", "stalled"));
		this.window = window;
		this.slots = window.slots();
		this.observers = listeners;
		this.timer = timer;
		this.running = running;
		this.problem = problem;
	}

	@Override
	public void run() {
		try {
			while (this.running.getAsBoolean()) {
				try {
					fetchOnce();
					this.problem.set(null);
					if (this.failures > 0) {
						logger.info("Queue '{}': Redis is back after {} failed attempt(s); consuming again",
								this.settings.name(), this.failures);
						this.failures = 0;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				catch (RuntimeException | ExecutionException ex) {
					if (!this.running.getAsBoolean()) {
						return;
					}
					String problem = describe(RedisFailures.unwrap(ex));
					String previous = this.problem.getAndSet(problem);
					if (this.failures++ == 0 || !problem.equals(previous)) {
						logger.warn("Queue '{}': {}; retrying with backoff", this.settings.name(), problem);
					}
					closeConnection();
					// a command rejected while disconnected costs nothing, so retry often: consumers resume
					// within about a second of Redis (and Lettuce's reconnect) coming back
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

	/** An out-of-memory or permanent refusal is not an outage: say what it is and what fixes it. */
	static String describe(Throwable cause) {
		String message = String.valueOf(cause.getMessage());
		if (message.startsWith("OOM ")) {
			return "Redis is out of memory (maxmemory reached under a noeviction policy), fetches are refused: "
					+ message + ". Raise maxmemory or free memory (flush or reload old failed jobs)";
		}
		String permanent = RedisFailures.permanentProblem(cause);
		if (permanent != null) {
			return permanent;
		}
		return "Redis unavailable: " + cause;
	}

	private void fetchOnce() throws InterruptedException, ExecutionException {
		JobRunner runner = this.runners.get(this.shards.current());
		runner.returnStranded();
		// While jobs wait, this fetch reserves more ahead: a job that finishes before they come, with none reserved
		// ahead left, may keep its slot of the global concurrency for one of them (see GlobalSlots). A sharded
		// queue reserves nothing ahead under a global concurrency: each shard's jobs start on free handlers.
		if (!this.shards.isSharded() && this.backlog) {
			runner.fetchComing();
			this.announced = runner;
		}
		try {
			fetchOnce(runner);
		}
		finally {
			fetchOver();
		}
	}

	/** The fetch announced to its runner is over (its jobs dispatched, or it failed): once per announcement. */
	private void fetchOver() {
		JobRunner runner = this.announced;
		if (runner != null) {
			this.announced = null;
			runner.fetchOver();
		}
	}

	private void fetchOnce(JobRunner runner) throws InterruptedException, ExecutionException {
		GlobalSlots held = runner.slots();
		// jobs reserved ahead with no job of this worker left to hand them a slot: this fetch gives them one,
		// whether or not it has room for new jobs
		boolean orphans = !this.shards.isSharded() && held.held() == 0 && held.hasAhead() && held.anyFree();
		int permits = orphans ? takeFreeSlots() : takeSlots();
		if (permits == 0 && !orphans) {
			return;
		}
		QueueScripts shard = this.shards.scripts();
		Consumer<ReservedJob> dispatch = this.shards.dispatch();
		if (this.settings.globalConcurrency() > 0 && (this.shards.isSharded() || held.anyFree())) {
			// A slot comes back here as its handler returns, with its settle still on the way: in Redis the job
			// still counts against the global concurrency, and a fetch sent now would find every slot taken, be
			// refused and wait for the settle's wake-up (a wasted call and a wake-up per job). Sent behind the
			// settles on the same connection, the fetch finds their slots free. (On a sharded queue, the settles
			// of the shard it fetches from: each shard holds its share of the limit.) A fetch for jobs to reserve
			// ahead only, every handler's slot held, needs no slot and does not wait.
			shard.awaitSettlesSent(SETTLES_SENT_NANOS);
		}
		Reply reply;
		try {
			reply = fetch(shard, permits, runner);
		}
		catch (RuntimeException ex) {
			this.slots.release(permits);
			this.shards.skip();
			throw ex;
		}
		this.slots.release(permits - reply.jobs().size());
		this.backlog = reply.wakeInMillis() == 0;
		if (!reply.recovered().isEmpty() || !reply.failed().isEmpty()) {
			logger.warn("Queue '{}': recovered {} stalled job(s), parked {} that stalled too often",
					this.settings.name(), reply.recovered().size(), reply.failed().size());
			this.observers.fire((observer) -> observer.stalled(this.settings.name(), reply.recovered(), reply.failed()));
		}
		for (ReservedJob job : reply.jobs()) {
			dispatch.accept(job);
		}
		fetchOver();
		// another consumer waits for a slot: what this worker reserved ahead goes back
		runner.returnStranded();
		if (this.shards.isSharded()) {
			// a shard that its rate limit or a handler's back-off holds back says when it lets the next job start:
			// that is its wake-up, or the sweep would block until the blocking timeout with jobs waiting
			long wake = (reply.wakeInMillis() == 0) ? 0 : earliest(reply.wakeInMillis(), reply.limitWakeInMillis());
			if (!reply.jobs().isEmpty() && reply.limitWakeInMillis() > 0) {
				// as below: some consumer, blocked or not, must look again when the next start is allowed
				scheduleWake(reply.limitWakeInMillis());
			}
			boolean ring = this.shards.shouldRing(!reply.jobs().isEmpty(), wake);
			long block = this.shards.next(!reply.jobs().isEmpty(), wake);
			if (block != ShardSweep.GO_ON) {
				awaitSignal(block);
			}
			else if (ring) {
				this.scripts.signal();
			}
			return;
		}
		long limitWake = reply.limitWakeInMillis();
		boolean nothing = reply.jobs().isEmpty() && reply.promoted().isEmpty();
		if (nothing && limitWake > 0 && limitWake <= LOCAL_WAIT_MILLIS
				&& earliest(reply.wakeInMillis(), limitWake) == limitWake) {
			// a rate limit's next start is due in a moment: look again then, straight from here. A timer that
			// signals the marker would add two hops to every start, and each late start slows the pace.
			Thread.sleep(limitWake);
		}
		else if (nothing && (reply.wakeInMillis() != 0 || orphans)) {
			// (jobs reserved ahead that this fetch could not give a slot wait for the settle that frees one)
			awaitSignal(earliest(reply.wakeInMillis(), limitWake));
		}
		else if (reply.limitWakeInMillis() > 0) {
			// a rate limit holds the rest of the backlog back: some consumer must look again when the next
			// start is allowed, whether or not this one has a free slot then
			scheduleWake(reply.limitWakeInMillis());
		}
	}

	/** The slots free now, up to a batch, without waiting for any. */
	private int takeFreeSlots() {
		int batch = Math.min(this.settings.fetchBatchSize(), this.settings.concurrency() + this.window.prefetch());
		int permits = 0;
		while (permits < batch && this.slots.tryAcquire()) {
			permits++;
		}
		return permits;
	}

	/** Slots for the next fetch: 0 if none came free in a while. */
	private int takeSlots() throws InterruptedException {
		int prefetch = this.window.prefetch();
		int batch = Math.min(this.settings.fetchBatchSize(), this.settings.concurrency() + prefetch);
		int permits;
		if (this.backlog || prefetch == 0) {
			if (!this.slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
				return 0;
			}
			permits = 1;
			while (permits < batch && this.slots.tryAcquire()) {
				permits++;
			}
		}
		else {
			// No backlog: reserve only what free handlers start at once. A job pushed to a quiet queue while
			// every handler here is busy is left to another process; it is not queued behind them.
			if (!this.slots.tryAcquire(prefetch + 1, 200, TimeUnit.MILLISECONDS)) {
				return 0;
			}
			this.slots.release(prefetch);
			permits = 1;
			while (permits < batch && this.slots.availablePermits() > prefetch && this.slots.tryAcquire()) {
				permits++;
			}
		}
		if (this.backlog && permits < batch) {
			// Jobs are waiting and handlers are finishing one by one: gather the slots they free for up to a
			// millisecond, so that one fetch reserves a batch instead of one job per round trip.
			long gatherUntil = System.nanoTime() + GATHER_NANOS;
			long left;
			while (permits < batch && (left = gatherUntil - System.nanoTime()) > 0
					&& this.slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
				permits++;
			}
		}
		return permits;
	}

	/** The earlier of two wake times, either of which may be negative (nothing scheduled). */
	private static long earliest(long wakeInMillis, long limitWakeInMillis) {
		if (limitWakeInMillis <= 0 || wakeInMillis == FetchReply.PAUSED) {
			return wakeInMillis;
		}
		return (wakeInMillis > 0) ? Math.min(wakeInMillis, limitWakeInMillis) : limitWakeInMillis;
	}

	private void awaitSignal(long wakeInMillis) throws InterruptedException, ExecutionException {
		long wait = this.settings.blockingTimeout().toMillis();
		if (wakeInMillis > 0 && wakeInMillis < wait) {
			// Redis checks blocking timeouts only every 100 ms (hz 10): a timer of ours signals the marker when
			// the next delayed job or lease falls due, and the timeout is a fallback.
			scheduleWake(wakeInMillis);
			wait = Math.min(wait, wakeInMillis + 250);
		}
		BlockingConnection blocking = this.connection;
		if (blocking == null || !blocking.isOpen()) {
			blocking = this.redis.openBlockingConnection();
			this.connection = blocking;
		}
		if (this.running.getAsBoolean()) {
			blocking.awaitSignal(this.marker, Duration.ofMillis(wait));
		}
	}

	private Reply fetch(QueueScripts shard, int count, JobRunner runner) {
		long requestedAt = System.nanoTime();
		GlobalSlots held = runner.slots();
		// A sharded queue's shards share the handlers: what one shard's jobs hold is no measure of the free ones, so
		// every job it fetches starts on a handler (its prefetch is 0 under a global concurrency)
		FetchReply reply;
		if (this.shards.isSharded()) {
			reply = RedisFailures.join(shard.fetch(count, this.stalledError));
			held.granted(reply.jobs().size());
		}
		else {
			int free = held.claimFree();
			try {
				List<ReservedJob> named = held.waitingAhead(free);
				List<Lease> ahead = named.stream().map((job) -> new Lease(job.id(), job.token())).toList();
				reply = RedisFailures.join(shard.fetch(count, free, held.held(), held.owner(), ahead,
						this.stalledError));
				held.fetched(reply.slotJobs() != FetchReply.NO_SLOTS, reply.contended());
				held.granted((reply.slotJobs() == FetchReply.NO_SLOTS) ? reply.jobs().size() : reply.slotJobs());
				runner.promoted(named, reply.promoted());
			}
			finally {
				held.unclaim(free);
			}
		}
		if (reply.wakeInMillis() == 0 || reply.limitWakeInMillis() > 0) {
			// A round trip with jobs left waiting is one the handlers may have to wait out. One that left jobs
			// waiting and reserved fewer than asked was held back by a limit (a global concurrency or rate limit set
			// at run time, a handler's back-off): jobs reserved ahead would hold its slots or run later than they
			// were counted, so the window goes back to its default for a while.
			// Under a global concurrency fewer jobs than asked is no hold-back: those that found no free slot
			// are reserved ahead, unless another consumer waits for one.
			boolean heldBack = reply.limitWakeInMillis() > 0 || reply.contended()
					|| (reply.wakeInMillis() == 0 && reply.jobs().size() < count
							&& reply.slotJobs() == FetchReply.NO_SLOTS);
			this.window.fetched(System.nanoTime() - requestedAt, heldBack);
		}
		List<ReservedJob> jobs = new ArrayList<>(reply.jobs().size());
		int slotJobs = (reply.slotJobs() == FetchReply.NO_SLOTS) ? reply.jobs().size() : reply.slotJobs();
		for (FetchedJob job : reply.jobs()) {
			jobs.add(ReservedJob.of(job, requestedAt, jobs.size() >= slotJobs));
		}
		return new Reply(jobs, reply.recovered(), reply.failed(), reply.wakeInMillis(), reply.limitWakeInMillis(),
				slotJobs, reply.contended(), reply.promoted());
	}

	private void scheduleWake(long delayMillis) {
		ScheduledFuture<?> previous = this.pendingWake;
		if (previous != null) {
			previous.cancel(false);
		}
		try {
			this.pendingWake = this.timer.schedule(this.scripts::signal, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	/** Cut a blocking wait short (at a stop). */
	public void wake() {
		closeConnection();
	}

	private void closeConnection() {
		BlockingConnection blocking = this.connection;
		this.connection = null;
		if (blocking != null) {
			blocking.close();
		}
	}

	private record Reply(List<ReservedJob> jobs, List<String> recovered, List<String> failed, long wakeInMillis,
			long limitWakeInMillis, int slotJobs, boolean contended, List<String> promoted) {
	}

}
