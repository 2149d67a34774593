package io.asyncqueue.core.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.SettleRecord;
import io.asyncqueue.core.scripts.SettleReply;

/**
 * Writes jobs' outcomes to Redis: acks, drops, retries, requeues, failures and releases, each fenced by the
 * token its job was fetched with. Settles from many handlers go together in one script call (group commit);
 * a settle that fails is retried with backoff, off every caller's thread, until the job's lease would have
 * expired anyway. Its result says what is known: settled, no longer owned, or unconfirmed.
 *
 * <p>Outstanding settles are bounded: a handler that would exceed {@link #maxOutstanding()} waits for earlier
 * settles (and the listener calls that follow them) to complete before it settles, so neither a Redis that
 * hangs with its connection open nor a slow listener grows memory without bound; the queue slows down instead.
 */
public final class Settler {

	private static final Logger logger = LoggerFactory.getLogger(Settler.class);

	private volatile LongConsumer queueBackOff;

	private volatile BiConsumer<String, Pending> slotHandOff = (action, settle) -> settle.send(null);

	private volatile Consumer<ReservedJob> slotTaken = (job) -> {
	};

	/** What is known of a settle once it is over. */
	public enum Result {

		/** Redis applied it. */
		SETTLED,

		/** Redis refused it: the job's lease had expired and the job is someone else's now (or was deleted). */
		NOT_OWNED,

		/**
		 * It is not known to have been applied: Redis could not be reached until the lease ran out, or an earlier
		 * try that may have landed left no way to tell. The job may run again when its lease expires.
		 */
		UNCONFIRMED

	}

	private final QueueSettings settings;

	private final QueueScripts scripts;

	private final ScheduledExecutorService timer;

	private final int maxOutstanding;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final AtomicInteger outstanding = new AtomicInteger();

	/** Threads waiting on {@link #changed}: a settle that completes signals only when someone waits. */
	private volatile int waiters;

	/** Told when Redis refuses a settle for good (NOPERM): the worker stops fetching. */
	private final Consumer<String> refusedForGood;

	/**
	 * A settler of one queue.
	 * @param settings the queue
	 * @param scripts the queue's scripts, whose settle follow-ups complete off Lettuce's I/O thread
	 * @param timer where retries wait
	 * @param maxOutstanding the most settles in progress at once
	 */
	public Settler(QueueSettings settings, QueueScripts scripts, ScheduledExecutorService timer,
			int maxOutstanding) {
		this(settings, scripts, timer, maxOutstanding, (problem) -> {
		});
	}

	/**
	 * A settler of one queue that reports settles Redis refuses for good.
	 * @param settings the queue
	 * @param scripts the queue's scripts, whose settle follow-ups complete off Lettuce's I/O thread
	 * @param timer where retries wait
	 * @param maxOutstanding the most settles in progress at once
	 * @param refusedForGood told, with one line naming the refusal, when Redis refuses a settle in a way no
	 * retry fixes (an ACL without one of the queue's commands): retrying until the lease expires would only run
	 * the job again, and every other job after it
	 */
	public Settler(QueueSettings settings, QueueScripts scripts, ScheduledExecutorService timer, int maxOutstanding,
			Consumer<String> refusedForGood) {
		this.settings = settings;
		this.scripts = scripts;
		this.timer = timer;
		this.maxOutstanding = maxOutstanding;
		this.refusedForGood = refusedForGood;
	}

	/**
	 * Also tell {@code backOff} of every back-off a handler asked for ({@code JobContext.rateLimited}) once its
	 * job's shard holds it: a sharded queue's other shards are held back with it, so that it holds for the queue.
	 * @param backOff takes the back-off in milliseconds; must not block
	 */
	public void onQueueBackOff(LongConsumer backOff) {
		this.queueBackOff = backOff;
	}

	/**
	 * Give each settle, before it is sent, to {@code handOff}, which decides what becomes of the job's slot of the
	 * global concurrency (see {@link GlobalSlots}) and sends it: handing the slot to a job reserved ahead in the same
	 * call, or giving it back to Redis; or it keeps the settle for a moment, until a job on its way can take the slot.
	 * @param handOff takes the settle's action and the settle, and must see that it is sent, once
	 * @param start starts the job a settle hands its slot to, once that settle is submitted: a settle of its own,
	 * submitted after, reaches Redis after it (the batcher keeps their order)
	 */
	void handSlotsWith(BiConsumer<String, Pending> handOff, Consumer<ReservedJob> start) {
		this.slotHandOff = handOff;
		this.slotTaken = start;
	}

	/** The most settles in progress at once. */
	int maxOutstanding() {
		return this.maxOutstanding;
	}

	/** Settles in progress now. */
	public int outstanding() {
		return this.outstanding.get();
	}

	/**
	 * Settle a job. Completes on the completions executor (or the timer, when it gives up), never on the
	 * caller's thread or Lettuce's; follow-up work chained to it runs there, and counts as part of the settle.
	 * @param action {@code ack}, {@code drop}, {@code retry}, {@code requeue} or {@code fail}
	 * @param execution the job
	 * @param delayMillis for a retry or requeue, the wait before the job is due again
	 * @param error for a retry or failure, the error JSON
	 * @param waitForCapacity whether the caller waits while too many settles are outstanding (a handler's
	 * thread does; the timer's thread, which also renews leases, must not)
	 * @param then work to run once the result is known, counted as outstanding until it returns
	 */
	void settle(String action, Execution execution, long delayMillis, String error, boolean waitForCapacity,
			Consumer<Result> then) {
		LongConsumer backOff = this.queueBackOff;
		Consumer<Result> next = then;
		if (backOff != null && action.equals("rate-limited")) {
			next = (result) -> {
				if (result == Result.SETTLED) {
					backOff.accept(delayMillis);
				}
				then.accept(result);
			};
		}
		Consumer<Result> after = next;
		enter(waitForCapacity);
		CompletableFuture<Result> result = new CompletableFuture<>();
		result.whenComplete((settled, failure) -> {
			try {
				after.accept((settled != null) ? settled : Result.UNCONFIRMED);
			}
			finally {
				leave();
			}
		});
		this.slotHandOff.accept(action, new Pending(record(action, execution, delayMillis, error), result,
				System.nanoTime() + this.settings.leaseDuration().toNanos()));
	}

	/**
	 * A settle not sent yet: counted as outstanding from the start, so that a stop waits for it too.
	 */
	final class Pending {

		private final SettleRecord record;

		private final CompletableFuture<Result> result;

		private final long giveUpAt;

		private Pending(SettleRecord record, CompletableFuture<Result> result, long giveUpAt) {
			this.record = record;
			this.result = result;
			this.giveUpAt = giveUpAt;
		}

		/**
		 * Send it, and start the job it hands its slot to.
		 * @param next the job reserved ahead that takes this job's slot over in the same call, or {@code null}
		 */
		void send(ReservedJob next) {
			if (next == null) {
				attempt(this.record, this.result, this.giveUpAt, 50, false);
				return;
			}
			attempt(this.record.handingSlotTo(next.id(), next.token()), this.result, this.giveUpAt, 50, false);
			Settler.this.slotTaken.accept(next);
		}

	}

	private void attempt(SettleRecord record, CompletableFuture<Result> result, long giveUpAt, long backoff,
			boolean mayHaveLanded) {
		this.scripts.settleThenFollowUp(record).whenComplete((reply, failure) -> {
			if (failure == null) {
				result.complete(resultOf(reply, record.action(), mayHaveLanded));
				return;
			}
			String permanent = RedisFailures.permanentProblem(failure);
			if (permanent != null) {
				this.refusedForGood
					.accept(permanent + " (refused: " + verb(record.action()) + " of job " + record.id() + ")");
				result.complete(Result.UNCONFIRMED);
				return;
			}
			boolean landed = mayHaveLanded || !RedisFailures.neverSent(failure);
			if (System.nanoTime() > giveUpAt) {
				logger.warn("Queue '{}': could not {} job {} within its lease ({}); {}", this.settings.name(),
						verb(record.action()), record.id(), RedisFailures.unwrap(failure).getMessage(),
						landed ? "it may have been written; if not, the job runs again when its lease expires"
								: "it runs again when its lease expires");
				result.complete(Result.UNCONFIRMED);
				return;
			}
			try {
				this.timer.schedule(() -> attempt(record, result, giveUpAt, Math.min(backoff * 2, 2000), landed),
						backoff, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping: nothing waits for a retry any more
				result.complete(Result.UNCONFIRMED);
			}
		});
	}

	private static Result resultOf(SettleReply reply, String action, boolean mayHaveLanded) {
		if (reply == SettleReply.APPLIED) {
			return Result.SETTLED;
		}
		if (!mayHaveLanded) {
			return Result.NOT_OWNED;
		}
		// an earlier try may have landed: a job gone from Redis after an ack or drop is that try's doing
		boolean removes = action.startsWith("ack") || action.equals("drop");
		return (removes && reply == SettleReply.GONE) ? Result.SETTLED : Result.UNCONFIRMED;
	}

	private static String verb(String action) {
		return action.equals("fail") ? "park" : action;
	}

	/**
	 * Put jobs back at the head of waiting without counting their attempt, in one call, not retried: used when
	 * jobs were reserved but never started, and at a stop.
	 * @param jobs the jobs, in the order they should run again
	 * @return the call
	 */
	CompletableFuture<?> release(List<ReservedJob> jobs) {
		List<SettleRecord> records = new ArrayList<>(jobs.size());
		// each release is an LPUSH to the head of waiting: the last one first keeps them in their order
		for (int i = jobs.size() - 1; i >= 0; i--) {
			ReservedJob job = jobs.get(i);
			SettleRecord record = SettleRecord.release(job.id(), job.token());
			records.add(job.reservedAhead() ? record.reservedAhead() : record);
		}
		return this.scripts.settleAll(records).whenComplete((reply, failure) -> {
			if (failure != null) {
				String permanent = RedisFailures.permanentProblem(failure);
				if (permanent != null) {
					this.refusedForGood.accept(permanent + " (refused: putting " + jobs.size() + " job(s) back)");
					return;
				}
				logger.warn("Queue '{}': could not put {} job(s) back to waiting ({}); they return when their lease "
						+ "expires", this.settings.name(), jobs.size(), RedisFailures.unwrap(failure).getMessage());
			}
		});
	}

	/**
	 * Wait until every settle in progress is over, or the deadline passes.
	 * @param deadlineNanos a {@link System#nanoTime()} deadline
	 * @return whether none is left
	 */
	public boolean awaitIdle(long deadlineNanos) {
		this.lock.lock();
		try {
			this.waiters++;
			long left;
			while (this.outstanding.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
				this.changed.awaitNanos(left);
			}
			return this.outstanding.get() == 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.waiters--;
			this.lock.unlock();
		}
	}

	/**
	 * Counts a settle in. The common case is one atomic increment; only a caller that finds the limit reached
	 * takes the lock and waits.
	 */
	private void enter(boolean waitForCapacity) {
		if (!waitForCapacity) {
			this.outstanding.incrementAndGet();
			return;
		}
		if (tryEnter()) {
			return;
		}
		this.lock.lock();
		try {
			this.waiters++;
			boolean interrupted = false;
			while (!tryEnter()) {
				try {
					this.changed.await(10, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					// a stop interrupts handlers; the outcome must still be written, so the wait goes on
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
		finally {
			this.waiters--;
			this.lock.unlock();
		}
	}

	private boolean tryEnter() {
		int current;
		while ((current = this.outstanding.get()) < this.maxOutstanding) {
			if (this.outstanding.compareAndSet(current, current + 1)) {
				return true;
			}
		}
		return false;
	}

	private void leave() {
		this.outstanding.decrementAndGet();
		if (this.waiters > 0) {
			this.lock.lock();
			try {
				this.changed.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	private static SettleRecord record(String action, Execution execution, long delayMillis, String error) {
		SettleRecord record = SettleRecord.of(action, execution.id(), execution.token(), delayMillis, error,
				execution.uniqueId());
		return execution.job().reservedAhead() ? record.reservedAhead() : record;
	}

}
