package io.asyncqueue.core.scripts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.lettuce.core.ScriptOutputType;

import io.asyncqueue.core.JobState;
import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.QueueCounts;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RateLimit;
import io.asyncqueue.core.ReloadResult;
import io.asyncqueue.core.StalledJobAction;
import io.asyncqueue.core.redis.RedisConnector;

/**
 * The one place that knows the Lua contract of one queue: every script's keys, how its arguments are
 * encoded and how its reply is read. Everything else in the engine calls these typed methods and never
 * builds an argument list or casts a reply (BullMQ's {@code scripts.ts} plays the same part).
 *
 * <p><strong>Engine-internal</strong>: public only so that the engine's packages can share it. Applications
 * use {@link io.asyncqueue.core.QueueClient}, {@link io.asyncqueue.core.QueueWorker} and
 * {@link io.asyncqueue.core.QueueOperations}; this class may change in any release.
 *
 * <p>Pushes and settles go through a group commit each ({@link ScriptBatcher}): records submitted while
 * a call is in flight travel together in the next one. Every method returns a future and never blocks;
 * failures complete it exceptionally with Redis's error as the root cause.
 *
 * @since 0.2.0
 */
public final class QueueScripts {

	private static final RedisScript PUSH = RedisScript.named("push");

	private static final RedisScript FETCH = RedisScript.named("fetch");

	private static final RedisScript SETTLE = RedisScript.named("settle");

	private static final RedisScript EXTEND = RedisScript.named("extend");

	private static final RedisScript COUNTS = RedisScript.named("counts");

	private static final RedisScript LIST = RedisScript.named("list");

	private static final RedisScript OLDEST = RedisScript.named("oldest", ScriptOutputType.VALUE);

	private static final RedisScript RELOAD = RedisScript.named("reload");

	private static final RedisScript DELETE = RedisScript.named("delete", ScriptOutputType.INTEGER);

	private static final RedisScript FLUSH = RedisScript.named("flush", ScriptOutputType.INTEGER);

	private static final RedisScript CONTROL = RedisScript.named("control", ScriptOutputType.INTEGER);

	private static final RedisScript LIMITS = RedisScript.named("limits");

	/** A push call carries up to 1000 jobs or 4 Mi characters; a larger batch or envelope goes alone. */
	private static final int PUSHES_PER_CALL = 1000;

	private static final long PUSH_CHARS_PER_CALL = 4L << 20;

	/**
	 * The most pushes that wait in this process for the push call in flight, beyond which a push is refused
	 * at once. Between one and three seconds of what one Redis takes at full speed (90 000 jobs/s in
	 * batches, 33 000 one by one): a Redis that answers never lets this many pile up, so reaching it means
	 * Redis has stopped answering (or a producer outruns it by seconds, when refusing is the back-pressure it
	 * needs), and holding more would only grow the heap until the connection times out.
	 */
	public static final int MAX_WAITING_PUSHES = 100_000;

	/** The most characters of push arguments waiting, for large envelopes: 64 Mi characters. */
	public static final long MAX_WAITING_PUSH_CHARS = 64L << 20;

	/** A settle call is mostly three-field acks: 256 of them is a few kilobytes. */
	private static final int SETTLES_PER_CALL = 256;

	private final RedisConnector redis;

	private final QueueSettings settings;

	private final QueueKeys keys;

	private final String[] keyList;

	/** The retention arguments settle takes before its records. */
	private final String[] retention;

	/**
	 * The configured limits fetch takes: global concurrency, rate max, rate period (ms), 0 for none; group
	 * concurrency.
	 */
	private final String[] limits;

	private final ScriptBatcher<List<PushResult>> pushes;

	private final ScriptBatcher<SettleReply> settles;

	private volatile Runnable signalled;

	/**
	 * The scripts of one queue, with settle follow-ups completed on Lettuce's I/O thread.
	 * @param redis the connector
	 * @param settings the queue
	 */
	public QueueScripts(RedisConnector redis, QueueSettings settings) {
		this(redis, settings, Runnable::run);
	}

	/**
	 * The scripts of one queue.
	 * @param redis the connector
	 * @param settings the queue
	 * @param followUps where the futures of {@link #settleThenFollowUp} complete: one task per settle call,
	 * so that the caller's follow-up work never runs on (nor slows) Lettuce's I/O thread
	 */
	public QueueScripts(RedisConnector redis, QueueSettings settings, Executor followUps) {
		this.redis = redis;
		this.settings = settings;
		this.keys = QueueKeys.of(settings.channel());
		this.keyList = this.keys.all().toArray(String[]::new);
		this.retention = new String[] { Long.toString(settings.failedRetention().toMillis()),
				Long.toString(settings.failedMaxSize()) };
		RateLimit rate = settings.rateLimit();
		this.limits = new String[] { Integer.toString(settings.globalConcurrency()),
				(rate != null) ? Integer.toString(rate.max()) : "0",
				(rate != null) ? Long.toString(rate.period().toMillis()) : "0",
				Integer.toString(settings.groupConcurrency()) };
		this.pushes = new ScriptBatcher<>(redis, PUSH, this.keyList, new String[0], PUSHES_PER_CALL,
				PUSH_CHARS_PER_CALL, 2, QueueScripts::pushResults, Runnable::run,
				new ScriptBatcher.Limits(MAX_WAITING_PUSHES, MAX_WAITING_PUSH_CHARS, "pushes"),
				(settings.replicas() > 0)
						? new ReplicaWait(redis, settings.name(), settings.replicas(), settings.replicaTimeout()) : null);
		// a worker's settles are bounded by its slots (concurrency + prefetch)
		this.settles = new ScriptBatcher<>(redis, SETTLE, this.keyList, this.retention, SETTLES_PER_CALL,
				Long.MAX_VALUE, 1, (reply, offset, records) -> SettleReply.of(reply.get(offset)), followUps,
				ScriptBatcher.Limits.NONE);
	}

	/** The queue's keys. */
	public QueueKeys keys() {
		return this.keys;
	}

	/**
	 * Push jobs in one atomic step, together with the pushes other threads make meanwhile.
	 * @param jobs the jobs
	 * @return one result per job, in order; {@code QueueClosedException}'s cause is a {@code PUSH_CLOSED} error
	 */
	public CompletableFuture<List<PushResult>> push(List<PushRecord> jobs) {
		return push(jobs, false);
	}

	/**
	 * Push jobs in one atomic step, for a caller that blocks on the reply at once: when no other push is in
	 * flight or waiting, the call is made on the caller's thread through the connector's direct connection, if it
	 * has one free (a lost call is replayed, which the jobs' ids make land once).
	 * @param jobs the jobs
	 * @param callerWaits whether the caller blocks on the reply at once
	 * @return one result per job, in order; {@code QueueClosedException}'s cause is a {@code PUSH_CLOSED} error
	 * @since 0.3.0
	 */
	public CompletableFuture<List<PushResult>> push(List<PushRecord> jobs, boolean callerWaits) {
		String[] args = new String[jobs.size() * PushRecord.FIELDS];
		int i = 0;
		for (PushRecord job : jobs) {
			String[] record = job.arguments();
			System.arraycopy(record, 0, args, i, record.length);
			i += record.length;
		}
		return callerWaits ? this.pushes.submitAllAndWait(args, jobs.size()) : this.pushes.submitAll(args, jobs.size());
	}

	private static List<PushResult> pushResults(List<Object> reply, int offset, int jobs) {
		List<PushResult> results = new ArrayList<>(jobs);
		for (int i = offset; i < offset + 2 * jobs; i += 2) {
			results.add(new PushResult((String) reply.get(i), ((Long) reply.get(i + 1)) == 1L));
		}
		return results;
	}

	/**
	 * Promote due delayed jobs, recover expired leases, then reserve up to {@code count} waiting jobs under
	 * the queue's lease.
	 * @param count the most jobs to reserve (0: only promote and recover)
	 * @param stalledError the error JSON recorded on a job that stalled once too often
	 * @return what the fetch did
	 */
	public CompletableFuture<FetchReply> fetch(int count, String stalledError) {
		return fetch(count, count, 0, "", List.of(), stalledError);
	}

	/**
	 * Promote due delayed jobs, recover expired leases, then reserve up to {@code count} waiting jobs under the
	 * queue's lease; on a queue with a global concurrency, the jobs beyond {@code free} are reserved ahead of a
	 * slot (see {@link FetchReply#slotJobs()}).
	 * @param count the most jobs to reserve (0: only promote and recover)
	 * @param free how many of them the caller would start at once (its handlers without a job)
	 * @param held how many jobs of the caller hold a slot of the global concurrency: jobs are reserved ahead only
	 * by a caller that will hold one
	 * @param owner the caller's id, which tells its own wish for a slot from another consumer's
	 * @param ahead jobs the caller reserved ahead and would start now, given a slot before any new job
	 * @param stalledError the error JSON recorded on a job that stalled once too often
	 * @return what the fetch did
	 */
	public CompletableFuture<FetchReply> fetch(int count, int free, int held, String owner, List<Lease> ahead,
			String stalledError) {
		String[] args = new String[14 + 2 * ahead.size()];
		String[] head = { Integer.toString(count), Long.toString(this.settings.leaseDuration().toMillis()),
				Integer.toString(this.settings.maxStalls()),
				(this.settings.stalledJobAction() == StalledJobAction.PARK) ? "park" : "recover", stalledError,
				this.retention[0], this.retention[1], this.limits[0], this.limits[1], this.limits[2],
				this.limits[3], Integer.toString(free), Integer.toString(held), owner };
		System.arraycopy(head, 0, args, 0, head.length);
		int i = head.length;
		for (Lease lease : ahead) {
			args[i++] = lease.id();
			args[i++] = lease.token();
		}
		return this.<List<Object>>run(FETCH, args).thenApply(QueueScripts::fetchReply);
	}

	@SuppressWarnings("unchecked")
	private static FetchReply fetchReply(List<Object> reply) {
		List<Object> flat = (List<Object>) reply.get(0);
		List<FetchedJob> jobs = new ArrayList<>(flat.size() / 4);
		for (int i = 0; i < flat.size(); i += 4) {
			jobs.add(new FetchedJob((String) flat.get(i), ((Long) flat.get(i + 1)).intValue(), (String) flat.get(i + 2),
					(String) flat.get(i + 3)));
		}
		int slotJobs = Math.min(((Long) reply.get(5)).intValue(), jobs.size());
		return new FetchReply(jobs, (List<String>) reply.get(1), (List<String>) reply.get(2), (Long) reply.get(3),
				(Long) reply.get(4), slotJobs, ((Long) reply.get(6)) == 1L, (List<String>) reply.get(7));
	}

	/**
	 * Settle one job, together with the settles other threads make meanwhile. The future completes on
	 * Lettuce's I/O thread: for a caller that only waits for it.
	 * @param record what to do
	 * @return what was done with it
	 */
	public CompletableFuture<SettleReply> settle(SettleRecord record) {
		return this.settles.submit(record.arguments());
	}

	/**
	 * Settle one job like {@link #settle}, completing the future on the follow-ups executor: for work
	 * chained to it.
	 * @param record what to do
	 * @return what was done with it
	 */
	public CompletableFuture<SettleReply> settleThenFollowUp(SettleRecord record) {
		return this.settles.submitWithFollowUp(record.arguments());
	}

	/**
	 * Wait until every settle submitted before this call has been written to the connection, so that a fetch
	 * sent next reaches Redis after them and finds the global-concurrency slots they free.
	 * @param timeoutNanos the longest wait
	 * @return whether they were all written in time
	 */
	public boolean awaitSettlesSent(long timeoutNanos) {
		return this.settles.awaitDispatched(timeoutNanos);
	}

	/**
	 * Settle several jobs in one call of their own, as one atomic step (a stop releasing its jobs).
	 * @param records what to do, applied in order
	 * @return per record, what was done with it
	 */
	public CompletableFuture<List<SettleReply>> settleAll(List<SettleRecord> records) {
		return this.<List<Object>>run(SETTLE, SettleRecord.arguments(this.retention, records))
			.thenApply((reply) -> {
				signalled(reply, records.size());
				return reply.stream().limit(records.size()).map(SettleReply::of).toList();
			});
	}

	/**
	 * Run {@code action} whenever a settle signals the queue's marker: it put a job back to waiting (or delayed),
	 * gave a group's slot back, or freed a slot that a consumer found full (the queue's global concurrency). A
	 * shard of a sharded queue rings shard 0's marker with it, where the queue's consumers block.
	 * @param action must not block; runs on the thread completing the settle
	 */
	public void onSignal(Runnable action) {
		this.signalled = action;
		this.settles.onReply(this::signalled);
	}

	private void signalled(List<Object> reply, int records) {
		Runnable action = this.signalled;
		if (action != null && reply.size() > records) {
			action.run();
		}
	}

	/**
	 * Renew the leases the caller still owns, for another lease duration.
	 * @param held the jobs the caller holds
	 * @return the ones it no longer owns
	 */
	public CompletableFuture<List<Lease>> extend(List<Lease> held) {
		String[] args = new String[1 + 2 * held.size()];
		args[0] = Long.toString(this.settings.leaseDuration().toMillis());
		int i = 1;
		for (Lease lease : held) {
			args[i++] = lease.id();
			args[i++] = lease.token();
		}
		return this.<List<String>>run(EXTEND, args).thenApply((lost) -> {
			List<Lease> leases = new ArrayList<>(lost.size() / 2);
			for (int n = 0; n + 1 < lost.size(); n += 2) {
				leases.add(new Lease(lost.get(n), lost.get(n + 1)));
			}
			return leases;
		});
	}

	/** The number of jobs in each state, in one snapshot. */
	public CompletableFuture<QueueCounts> counts() {
		return this.<List<Long>>run(COUNTS)
			.thenApply((c) -> new QueueCounts(this.settings.name(), c.get(0), c.get(1), c.get(2), c.get(3), c.get(4)));
	}

	/** The envelope of the job that has waited longest, or {@code null} when nothing waits. */
	public CompletableFuture<String> oldestWaiting() {
		return run(OLDEST);
	}

	/**
	 * A page of {@code failed} or {@code timeout}, newest first.
	 * @param state {@link JobState#FAILED} or {@link JobState#TIMEOUT}
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the jobs
	 */
	public CompletableFuture<List<ParkedEntry>> parked(JobState state, int offset, int limit) {
		return this.<List<Object>>run(LIST, state.key(), Integer.toString(offset), Integer.toString(limit))
			.thenApply((reply) -> {
				List<ParkedEntry> jobs = new ArrayList<>(reply.size() / 5);
				for (int i = 0; i < reply.size(); i += 5) {
					jobs.add(new ParkedEntry((String) reply.get(i), (long) Double.parseDouble((String) reply.get(i + 1)),
							(String) reply.get(i + 2), Integer.parseInt((String) reply.get(i + 3)),
							(String) reply.get(i + 4)));
				}
				return jobs;
			});
	}

	/**
	 * Move parked jobs back to waiting with fresh attempts, except those whose unique id another live job
	 * holds: they stay parked and are reported.
	 * @param source {@link JobState#FAILED} or {@link JobState#TIMEOUT}
	 * @param id the job to move, or {@code null} for the oldest ones
	 * @param limit the most to look at (with no id)
	 * @param offset how many of the oldest to pass over (with no id): the ones earlier calls left parked
	 * @return what moved and what stayed
	 */
	public CompletableFuture<ReloadChunk> reload(JobState source, String id, int limit, long offset) {
		return this.<List<Object>>run(RELOAD, source.key(), (id != null) ? id : "", Integer.toString(limit),
				Long.toString(offset))
			.thenApply((reply) -> {
				@SuppressWarnings("unchecked")
				List<String> held = (List<String>) reply.get(1);
				List<ReloadResult.Skipped> skipped = new ArrayList<>(held.size() / 3);
				for (int i = 0; i + 2 < held.size(); i += 3) {
					skipped.add(new ReloadResult.Skipped(held.get(i), held.get(i + 1), held.get(i + 2)));
				}
				return new ReloadChunk(new ReloadResult((Long) reply.get(0), skipped), (Long) reply.get(2));
			});
	}

	/**
	 * Delete one job, whatever its state, with its data.
	 * @param id the job id
	 * @return whether it existed
	 */
	public CompletableFuture<Boolean> delete(String id) {
		return this.<Long>run(DELETE, id).thenApply((deleted) -> deleted == 1L);
	}

	/**
	 * Delete up to {@code limit} jobs of one state with their data.
	 * @param state the state
	 * @param limit the most to delete in this call
	 * @return how many were deleted
	 */
	public CompletableFuture<Long> flush(JobState state, int limit) {
		return run(FLUSH, state.key(), Integer.toString(limit));
	}

	/**
	 * Turn a queue-wide switch on or off.
	 * @param which the switch
	 * @param on on or off
	 * @return whether it changed
	 */
	public CompletableFuture<Boolean> control(Switch which, boolean on) {
		return this.<Long>run(CONTROL, which.field, on ? "1" : "0").thenApply((changed) -> changed == 1L);
	}

	/**
	 * Whether a queue-wide switch is on.
	 * @param which the switch
	 * @return whether it is on
	 */
	public CompletableFuture<Boolean> isOn(Switch which) {
		return guarded(() -> this.redis.commands().hexists(this.keys.control(), which.field).toCompletableFuture());
	}

	/**
	 * Store limits every instance obeys at its next fetch, overriding their configuration, and read the
	 * queue's limits and their use.
	 * @param changes limit field to value ({@code global-concurrency}, {@code rate-max}, {@code rate-period} in
	 * ms, {@code group-concurrency}); an empty value removes the stored limit, so that each instance's configuration applies again; none to
	 * only read
	 * @return what is stored now and how much is used, as {@link StoredLimits}
	 */
	public CompletableFuture<StoredLimits> limits(java.util.Map<String, String> changes) {
		String[] args = changes.entrySet()
			.stream()
			.flatMap((change) -> java.util.stream.Stream.of(change.getKey(), change.getValue()))
			.toArray(String[]::new);
		return this.<List<Object>>run(LIMITS, args)
			.thenApply((reply) -> new StoredLimits((Long) reply.get(0), (String) reply.get(1), (String) reply.get(2),
					(String) reply.get(3), (Long) reply.get(4), (String) reply.get(5), (Long) reply.get(6),
					(Long) reply.get(7)));
	}

	/**
	 * A queue's limits as stored in Redis at run time, and their use.
	 *
	 * @param reserved jobs reserved now across every instance
	 * @param globalConcurrency the stored global concurrency, or {@code null}
	 * @param rateMax the stored rate limit's maximum, or {@code null}
	 * @param ratePeriodMillis the stored rate limit's period in ms, or {@code null}
	 * @param backoffMillis ms left of a handler's back-off, 0 when none
	 * @param groupConcurrency the stored group concurrency, or {@code null}
	 * @param groupsRunning groups holding at least one of their slots
	 * @param groupsHeldBack groups with jobs waiting, held back because their running jobs fill their slots
	 */
	public record StoredLimits(long reserved, String globalConcurrency, String rateMax, String ratePeriodMillis,
			long backoffMillis, String groupConcurrency, long groupsRunning, long groupsHeldBack) {
	}

	/** Wake one consumer blocked on the queue's marker. */
	public CompletableFuture<Long> signal() {
		return guarded(() -> this.redis.commands().zadd(this.keys.marker(), 0, "ready").toCompletableFuture());
	}

	private <T> CompletableFuture<T> run(RedisScript script, String... args) {
		return guarded(() -> script.<T>run(this.redis.commands(), this.keyList, args));
	}

	/** A command refused before it is sent (disconnected, closed) fails the future, never the caller. */
	private static <T> CompletableFuture<T> guarded(Supplier<CompletableFuture<T>> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** The switches every instance of a queue obeys, kept in its control hash. */
	public enum Switch {

		/** Consumers fetch nothing. */
		PAUSED("paused"),

		/** Pushes are refused. */
		PUSH_CLOSED("push-closed");

		private final String field;

		Switch(String field) {
			this.field = field;
		}

	}

}
