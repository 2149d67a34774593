package io.asyncqueue.core.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.ScriptBatcher;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.redis.RedisScript;

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

	private static final RedisScript SETTLE = RedisScript.named("settle");

	/** settle.lua's reply for a record whose job is gone from Redis (acked, dropped or deleted). */
	private static final long GONE = 2L;

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

	private final RedisConnector redis;

	private final String[] keys;

	private final ScheduledExecutorService timer;

	private final ScriptBatcher<Long> batcher;

	private final int maxOutstanding;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private int outstanding;

	/**
	 * A settler of one queue.
	 * @param settings the queue
	 * @param redis the connector
	 * @param keys the queue's keys
	 * @param completions where settle results complete (one task per batch), never Lettuce's I/O thread
	 * @param timer where retries wait
	 * @param maxOutstanding the most settles in progress at once
	 */
	public Settler(QueueSettings settings, RedisConnector redis, String[] keys, Executor completions,
			ScheduledExecutorService timer, int maxOutstanding) {
		this.settings = settings;
		this.redis = redis;
		this.keys = keys;
		this.timer = timer;
		this.maxOutstanding = maxOutstanding;
		// a settle batch is mostly three-field acks: 256 of them is a few kilobytes
		this.batcher = new ScriptBatcher<>(redis, SETTLE, keys, 256, Long.MAX_VALUE, 1,
				(reply, offset, records) -> (Long) reply.get(offset), completions);
	}

	/** The most settles in progress at once. */
	int maxOutstanding() {
		return this.maxOutstanding;
	}

	/** Settles in progress now. */
	public int outstanding() {
		this.lock.lock();
		try {
			return this.outstanding;
		}
		finally {
			this.lock.unlock();
		}
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
			java.util.function.Consumer<Result> then) {
		enter(waitForCapacity);
		String[] argv = record(action, execution, delayMillis, error);
		CompletableFuture<Result> result = new CompletableFuture<>();
		result.whenComplete((settled, failure) -> {
			try {
				then.accept((settled != null) ? settled : Result.UNCONFIRMED);
			}
			finally {
				leave();
			}
		});
		attempt(argv, action, execution.id(), result, System.nanoTime() + this.settings.leaseDuration().toNanos(),
				50, false);
	}

	private void attempt(String[] argv, String action, String id, CompletableFuture<Result> result, long giveUpAt,
			long backoff, boolean mayHaveLanded) {
		this.batcher.submitWithFollowUp(argv).whenComplete((reply, failure) -> {
			if (failure == null) {
				result.complete(resultOf(reply, action, mayHaveLanded));
				return;
			}
			boolean landed = mayHaveLanded || !RedisFailures.neverSent(failure);
			if (System.nanoTime() > giveUpAt) {
				logger.warn("Queue '{}': could not {} job {} within its lease ({}); {}", this.settings.name(),
						verb(action), id, RedisFailures.unwrap(failure).getMessage(),
						landed ? "it may have been written; if not, the job runs again when its lease expires"
								: "it runs again when its lease expires");
				result.complete(Result.UNCONFIRMED);
				return;
			}
			try {
				this.timer.schedule(() -> attempt(argv, action, id, result, giveUpAt, Math.min(backoff * 2, 2000),
						landed), backoff, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping: nothing waits for a retry any more
				result.complete(Result.UNCONFIRMED);
			}
		});
	}

	private static Result resultOf(long reply, String action, boolean mayHaveLanded) {
		if (reply == 1L) {
			return Result.SETTLED;
		}
		if (!mayHaveLanded) {
			return Result.NOT_OWNED;
		}
		// an earlier try may have landed: a job gone from Redis after an ack or drop is that try's doing
		boolean removes = action.equals("ack") || action.equals("drop");
		return (removes && reply == GONE) ? Result.SETTLED : Result.UNCONFIRMED;
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
	CompletableFuture<?> release(List<FetchedJob> jobs) {
		List<String> args = new ArrayList<>(jobs.size() * 6);
		// each release is an LPUSH to the head of waiting: the last one first keeps them in their order
		for (int i = jobs.size() - 1; i >= 0; i--) {
			FetchedJob job = jobs.get(i);
			add(args, "release", job.id(), job.token(), 0, "", "");
		}
		CompletableFuture<?> call;
		try {
			call = SETTLE.run(this.redis.commands(), this.keys, args.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		return call.whenComplete((reply, failure) -> {
			if (failure != null) {
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
			long left;
			while (this.outstanding > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
				this.changed.awaitNanos(left);
			}
			return this.outstanding == 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void enter(boolean waitForCapacity) {
		this.lock.lock();
		try {
			boolean interrupted = false;
			while (waitForCapacity && this.outstanding >= this.maxOutstanding) {
				try {
					this.changed.await();
				}
				catch (InterruptedException ex) {
					// a stop interrupts handlers; the outcome must still be written, so the wait goes on
					interrupted = true;
				}
			}
			this.outstanding++;
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void leave() {
		this.lock.lock();
		try {
			this.outstanding--;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private static String[] record(String action, Execution execution, long delayMillis, String error) {
		List<String> args = new ArrayList<>(6);
		String uniqueId = execution.uniqueId();
		if (action.equals("ack")) {
			if (uniqueId == null) {
				// the record of almost every settle, so the shortest: settle.lua reads three fields for it
				return new String[] { "ack", execution.id(), execution.token() };
			}
			action = "ack-unique";
		}
		add(args, action, execution.id(), execution.token(), delayMillis, error, (uniqueId != null) ? uniqueId : "");
		return args.toArray(String[]::new);
	}

	private static void add(List<String> args, String action, String id, String token, long delayMillis,
			String error, String uniqueId) {
		args.add(action);
		args.add(id);
		args.add(token);
		args.add(Long.toString(delayMillis));
		args.add(error);
		args.add(uniqueId);
	}

}
