package io.asyncqueue.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.ParkedEntry;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.ReloadChunk;
import io.asyncqueue.core.scripts.QueueScripts.Switch;
import io.asyncqueue.core.scripts.ShardLayout;
import tools.jackson.databind.JsonNode;

/**
 * What an operator does to a queue: count its jobs by state, page through failed ones, reload,
 * retry, delete and flush (Hyperf's {@code queue:info}, {@code queue:reload} and {@code queue:flush}).
 * Each step is atomic; bulk steps run in chunks so that Redis is never blocked for long. On a
 * {@linkplain QueueSettings#shards() sharded} queue every operation acts on the whole queue, shard by shard:
 * counts are sums (read one shard after another, so not one snapshot), pages of parked jobs are merged, an id is
 * looked for in every shard, and a switch is set in every shard.
 *
 * @since 0.1.0
 */
public final class QueueOperations {

	private static final int CHUNK = 1000;

	private final RedisConnector redis;

	private final JobSerializer serializer;

	private final Queues queues;

	private final Map<String, QueueScripts> scripts = new ConcurrentHashMap<>();

	/**
	 * Operations on the given queues.
	 * @param redis the connector
	 * @param serializer the serializer (to read envelopes and errors)
	 * @param queues the queues
	 */
	public QueueOperations(RedisConnector redis, JobSerializer serializer, Queues queues) {
		this.redis = redis;
		this.serializer = serializer;
		this.queues = queues;
	}

	/** The declared queues. */
	public Queues queues() {
		return this.queues;
	}

	/**
	 * The number of jobs in each state, as one snapshot (on a sharded queue, sums of one snapshot per shard).
	 * @param queue the queue
	 * @return the counts
	 */
	public QueueCounts counts(String queue) {
		return QueueClient.join(countsAsync(queue));
	}

	/**
	 * The number of jobs in each state, without waiting.
	 * @param queue the queue
	 * @return the counts
	 */
	public CompletableFuture<QueueCounts> countsAsync(String queue) {
		try {
			List<QueueScripts> shards = shards(queue);
			if (shards.size() == 1) {
				return shards.get(0).counts();
			}
			return all(shards, QueueScripts::counts).thenApply((counts) -> new QueueCounts(queue,
					sum(counts, QueueCounts::waiting), sum(counts, QueueCounts::delayed),
					sum(counts, QueueCounts::reserved), sum(counts, QueueCounts::failed),
					sum(counts, QueueCounts::timeout)));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * When the job that has waited longest was pushed (by its producer's clock), for alerting on a
	 * queue that is not being drained.
	 * @param queue the queue
	 * @return the push time of the head of {@code waiting}, or {@code null} when nothing waits
	 */
	public Instant oldestWaitingPushedAt(String queue) {
		Instant oldest = null;
		for (String envelope : QueueClient.join(all(shards(queue), QueueScripts::oldestWaiting))) {
			JsonNode parsed = this.serializer.readTreeOrNull(envelope);
			if (parsed != null && parsed.path("pushedAt").isNumber()) {
				Instant pushedAt = Instant.ofEpochMilli(parsed.path("pushedAt").asLong());
				oldest = (oldest == null || pushedAt.isBefore(oldest)) ? pushedAt : oldest;
			}
		}
		return oldest;
	}

	/**
	 * Jobs parked in {@code failed} or {@code timeout}, newest first.
	 * @param queue the queue
	 * @param state {@link JobState#FAILED} or {@link JobState#TIMEOUT}
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the jobs
	 */
	public List<FailedJob> parkedJobs(String queue, JobState state, int offset, int limit) {
		requireParked(state);
		List<ParkedEntry> page = parkedPage(shards(queue), state, Math.max(offset, 0), Math.max(limit, 0));
		List<FailedJob> jobs = new ArrayList<>(page.size());
		for (ParkedEntry entry : page) {
			JsonNode error = this.serializer.readTreeOrNull(entry.error());
			JsonNode parsedEnvelope = this.serializer.readTreeOrNull(entry.envelope());
			String jobName = (parsedEnvelope != null && parsedEnvelope.path("job").isString())
					? parsedEnvelope.path("job").asString() : null;
			jobs.add(new FailedJob(entry.id(), jobName, entry.attempts(),
					(error != null) ? error.path("reason").asString(null) : null,
					(error != null) ? error.path("exception").asString(null) : null,
					Instant.ofEpochMilli(entry.parkedAtMillis()), entry.envelope()));
		}
		return jobs;
	}

	/** One shard's page as it is; several shards' first offset+limit each, merged newest first, then cut. */
	private static List<ParkedEntry> parkedPage(List<QueueScripts> shards, JobState state, int offset, int limit) {
		if (shards.size() == 1) {
			return QueueClient.join(shards.get(0).parked(state, offset, limit));
		}
		int first = (int) Math.min((long) offset + limit, Integer.MAX_VALUE);
		return QueueClient.join(all(shards, (shard) -> shard.parked(state, 0, first)))
			.stream()
			.flatMap(List::stream)
			.sorted(java.util.Comparator.comparingLong(ParkedEntry::parkedAtMillis).reversed())
			.skip(offset)
			.limit(limit)
			.toList();
	}

	/**
	 * The newest jobs in {@code failed}.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the jobs
	 */
	public List<FailedJob> failedJobs(String queue, int offset, int limit) {
		return parkedJobs(queue, JobState.FAILED, offset, limit);
	}

	/**
	 * Move every job of {@code failed} or {@code timeout} back to waiting with fresh attempts. A job whose
	 * unique id another job holds now (one pushed after it failed, still waiting, delayed or running) stays
	 * parked, so that one unique id never has two live jobs; the result names it and its holder.
	 * @param queue the queue
	 * @param source {@link JobState#FAILED} or {@link JobState#TIMEOUT}
	 * @return how many moved, and which stayed parked and why
	 */
	public ReloadResult reloadAll(String queue, JobState source) {
		requireParked(source);
		ReloadResult total = ReloadResult.NONE;
		for (QueueScripts shard : shards(queue)) {
			ReloadResult moved = ReloadResult.NONE;
			ReloadChunk chunk;
			do {
				chunk = QueueClient.join(shard.reload(source, null, CHUNK, moved.skipped().size()));
				moved = moved.and(chunk.result());
			}
			while (chunk.examined() > 0);
			total = total.and(moved);
		}
		wakeConsumers(queue, total.moved());
		return total;
	}

	/**
	 * Move one job of {@code failed} or {@code timeout} back to waiting with fresh attempts, unless another
	 * job holds its unique id now (see {@link #reloadAll}).
	 * @param queue the queue
	 * @param source {@link JobState#FAILED} or {@link JobState#TIMEOUT}
	 * @param id the job id
	 * @return {@code moved() == 1} when it was there and moved; the reason in {@code skipped()} when it stayed
	 */
	public ReloadResult reload(String queue, JobState source, String id) {
		requireParked(source);
		for (QueueScripts shard : shards(queue)) {
			ReloadResult result = QueueClient.join(shard.reload(source, id, 1, 0)).result();
			if (result.moved() > 0 || !result.skipped().isEmpty()) {
				wakeConsumers(queue, result.moved());
				return result;
			}
		}
		return ReloadResult.NONE;
	}

	/**
	 * Retry one parked job now: from {@code failed} or {@code timeout}, whichever holds it, unless another
	 * job holds its unique id now (see {@link #reloadAll}).
	 * @param queue the queue
	 * @param id the job id
	 * @return {@code moved() == 1} when it was parked and moved; the reason in {@code skipped()} when it stayed
	 */
	public ReloadResult retry(String queue, String id) {
		ReloadResult failed = reload(queue, JobState.FAILED, id);
		if (failed.moved() > 0 || !failed.skipped().isEmpty()) {
			return failed;
		}
		return reload(queue, JobState.TIMEOUT, id);
	}

	/**
	 * Delete one job, whatever its state, with its data.
	 * @param queue the queue
	 * @param id the job id
	 * @return whether it existed
	 */
	public boolean delete(String queue, String id) {
		for (QueueScripts shard : shards(queue)) {
			if (QueueClient.join(shard.delete(id))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Delete every job of one state with its data. Flushing {@code reserved} removes running jobs:
	 * their workers' acknowledgements are then ignored.
	 * @param queue the queue
	 * @param state the state
	 * @return how many were deleted
	 */
	public long flush(String queue, JobState state) {
		long total = 0;
		for (QueueScripts shard : shards(queue)) {
			long deleted;
			do {
				deleted = QueueClient.join(shard.flush(state, CHUNK));
				total += deleted;
			}
			while (deleted > 0);
		}
		return total;
	}

	/**
	 * Stop every instance from fetching from the queue within about a second; running jobs finish, and
	 * pushes are still accepted.
	 * @param queue the queue
	 * @return whether it was running before
	 */
	public boolean pause(String queue) {
		return control(queue, Switch.PAUSED, true);
	}

	/**
	 * Let every instance fetch from the queue again, at once.
	 * @param queue the queue
	 * @return whether it was paused before
	 */
	public boolean resume(String queue) {
		return control(queue, Switch.PAUSED, false);
	}

	/**
	 * Refuse pushes to the queue with a {@link QueueClosedException} (the producer gate); consumers carry
	 * on draining it.
	 * @param queue the queue
	 * @return whether it was open before
	 */
	public boolean closePushes(String queue) {
		return control(queue, Switch.PUSH_CLOSED, true);
	}

	/**
	 * Accept pushes to the queue again.
	 * @param queue the queue
	 * @return whether it was closed before
	 */
	public boolean openPushes(String queue) {
		return control(queue, Switch.PUSH_CLOSED, false);
	}

	/**
	 * Whether the queue is paused.
	 * @param queue the queue
	 * @return whether it is paused
	 */
	public boolean isPaused(String queue) {
		return isOn(queue, Switch.PAUSED);
	}

	/**
	 * Whether pushes to the queue are refused.
	 * @param queue the queue
	 * @return whether it is closed for pushes
	 */
	public boolean arePushesClosed(String queue) {
		return isOn(queue, Switch.PUSH_CLOSED);
	}

	/**
	 * The queue's cluster-wide limits and their use now: a limit stored at run time, else this process's
	 * configuration of the queue.
	 * @param queue the queue
	 * @return the limits
	 */
	public FlowLimits limits(String queue) {
		return changeLimits(queue, Map.of());
	}

	/**
	 * Set the queue's global concurrency for every instance, from their next fetch on, until
	 * {@link #clearLimits(String)}; it overrides their configuration and survives their restarts.
	 * @param queue the queue
	 * @param globalConcurrency the most jobs running at once across every instance; 0 for no limit
	 * @return the limits now
	 */
	public FlowLimits setGlobalConcurrency(String queue, int globalConcurrency) {
		return setLimits(queue, globalConcurrency, null, null, null);
	}

	/**
	 * Set the queue's rate limit for every instance, from their next fetch on, until
	 * {@link #clearLimits(String)}; it overrides their configuration and survives their restarts.
	 * @param queue the queue
	 * @param rateLimit the limit, or {@code null} for none
	 * @return the limits now
	 */
	public FlowLimits setRateLimit(String queue, RateLimit rateLimit) {
		String problem = (rateLimit != null) ? rateLimit.problem() : null;
		if (problem != null) {
			throw new IllegalArgumentException("Invalid rate limit: " + problem);
		}
		return (rateLimit != null) ? setLimits(queue, null, rateLimit.max(), rateLimit.period(), null)
				: setLimits(queue, null, 0, null, null);
	}

	/**
	 * Set how many jobs of one group may run at once, for every instance, from their next fetch on, until
	 * {@link #clearLimits(String)}; it overrides their configuration and survives their restarts. Groups held
	 * back at the old limit are looked at again at once (up to 1000 per change, the others as their running jobs
	 * finish). On a sharded queue every shard takes the same value
	 * (a group's jobs live in one shard).
	 * @param queue the queue
	 * @param groupConcurrency the most jobs of one group running at once, 1 or more
	 * @return the limits now
	 */
	public FlowLimits setGroupConcurrency(String queue, int groupConcurrency) {
		return setLimits(queue, null, null, null, groupConcurrency);
	}

	/**
	 * Set several of the queue's limits for every instance at once, as the setters of each do. Every value given
	 * is checked before any is stored, so a change that is refused stores nothing.
	 * @param queue the queue
	 * @param globalConcurrency the most jobs running at once across every instance, 0 for no limit, {@code null}
	 * to leave it
	 * @param rateLimitMax the most starts in any window of {@code rateLimitPeriod}, 0 for no rate limit,
	 * {@code null} to leave it
	 * @param rateLimitPeriod the rate limit's window, {@code null} for one second; only with {@code rateLimitMax}
	 * @param groupConcurrency the most jobs of one group running at once (1 or more), {@code null} to leave it
	 * @return the limits now
	 * @throws IllegalArgumentException naming the value refused and why; nothing is stored then
	 */
	public FlowLimits setLimits(String queue, Integer globalConcurrency, Integer rateLimitMax,
			Duration rateLimitPeriod, Integer groupConcurrency) {
		Map<String, String> changes = new HashMap<>();
		if (globalConcurrency != null) {
			if (globalConcurrency < 0) {
				throw new IllegalArgumentException("Global concurrency must be zero (no limit) or positive, was "
						+ globalConcurrency);
			}
			changes.put("global-concurrency", Integer.toString(globalConcurrency));
		}
		if (rateLimitMax == null && rateLimitPeriod != null) {
			throw new IllegalArgumentException("Invalid rate limit: a period (" + rateLimitPeriod + ") needs its max; give "
					+ "both");
		}
		if (rateLimitMax != null) {
			if (rateLimitMax < 0) {
				throw new IllegalArgumentException("Invalid rate limit: max must be at least 1 (or 0 for no limit), was "
						+ rateLimitMax);
			}
			if (rateLimitMax == 0) {
				changes.put("rate-max", "0");
				changes.put("rate-period", "0");
			}
			else {
				RateLimit rate = RateLimit.of(rateLimitMax,
						(rateLimitPeriod != null) ? rateLimitPeriod : Duration.ofSeconds(1));
				String problem = rate.problem();
				if (problem != null) {
					throw new IllegalArgumentException("Invalid rate limit: " + problem);
				}
				changes.put("rate-max", Integer.toString(rate.max()));
				changes.put("rate-period", Long.toString(rate.period().toMillis()));
			}
		}
		if (groupConcurrency != null) {
			if (groupConcurrency < 1) {
				throw new IllegalArgumentException("Group concurrency must be 1 or more, was " + groupConcurrency);
			}
			changes.put("group-concurrency", Integer.toString(groupConcurrency));
		}
		return changeLimits(queue, changes);
	}

	/**
	 * Remove the limits stored at run time: each instance obeys its own configuration again.
	 * @param queue the queue
	 * @return the limits now
	 */
	public FlowLimits clearLimits(String queue) {
		return changeLimits(queue,
				Map.of("global-concurrency", "", "rate-max", "", "rate-period", "", "group-concurrency", ""));
	}

	private FlowLimits changeLimits(String queue, Map<String, String> changes) {
		QueueSettings settings = this.queues.get(queue);
		if (settings.shards() > 1) {
			return shardedLimits(settings, changes);
		}
		QueueScripts.StoredLimits stored = QueueClient.join(shards(queue).get(0).limits(changes));
		boolean globalStored = stored.globalConcurrency() != null;
		int global = globalStored ? Integer.parseInt(stored.globalConcurrency()) : settings.globalConcurrency();
		boolean rateStored = stored.rateMax() != null;
		RateLimit rate = settings.rateLimit();
		if (rateStored) {
			int max = Integer.parseInt(stored.rateMax());
			rate = (max > 0) ? RateLimit.of(max, Duration.ofMillis(Long.parseLong(stored.ratePeriodMillis()))) : null;
		}
		return new FlowLimits(queue, stored.reserved(), global, globalStored, rate, rateStored,
				Duration.ofMillis(stored.backoffMillis()), new FlowLimits.Groups(groupConcurrency(settings, stored),
						stored.groupConcurrency() != null, stored.groupsRunning(), stored.groupsHeldBack()));
	}

	/**
	 * A sharded queue's limits are split among its shards as its configured ones are ({@link ShardLayout#share}):
	 * each shard stores its share and its fetch enforces it, so the shares add up to the limit set. Reading sums
	 * the shards' shares and what runs in them.
	 */
	private FlowLimits shardedLimits(QueueSettings settings, Map<String, String> changes) {
		int count = settings.shards();
		for (String field : List.of("global-concurrency", "rate-max")) {
			String value = changes.get(field);
			if (value != null && !value.isEmpty() && !value.equals("0") && Integer.parseInt(value) < count) {
				throw new IllegalArgumentException("Queue '" + settings.name() + "' has shards: " + count + ": its "
						+ ((field.equals("rate-max")) ? "rate limit's max" : "global concurrency") + " is split among them"
						+ " and each needs at least 1, so it must be " + count + " or more (or 0 for none), was " + value);
			}
		}
		List<QueueScripts> shards = shards(settings.name());
		List<CompletableFuture<QueueScripts.StoredLimits>> calls = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			Map<String, String> share = new HashMap<>(changes);
			for (String field : List.of("global-concurrency", "rate-max")) {
				String value = changes.get(field);
				if (value != null && !value.isEmpty()) {
					share.put(field, Integer.toString(ShardLayout.share(Integer.parseInt(value), count, i)));
				}
			}
			calls.add(shards.get(i).limits(share));
		}
		List<QueueScripts.StoredLimits> stored = QueueClient.join(CompletableFuture
			.allOf(calls.toArray(CompletableFuture[]::new))
			.thenApply((done) -> calls.stream().map(CompletableFuture::join).toList()));
		long running = stored.stream().mapToLong(QueueScripts.StoredLimits::reserved).sum();
		long backoff = stored.stream().mapToLong(QueueScripts.StoredLimits::backoffMillis).max().orElse(0);
		boolean globalStored = stored.get(0).globalConcurrency() != null;
		int global = globalStored
				? stored.stream().mapToInt((shard) -> parseOrZero(shard.globalConcurrency())).sum()
				: settings.globalConcurrency();
		boolean rateStored = stored.get(0).rateMax() != null;
		RateLimit rate = settings.rateLimit();
		if (rateStored) {
			int max = stored.stream().mapToInt((shard) -> parseOrZero(shard.rateMax())).sum();
			rate = (max > 0) ? RateLimit.of(max, Duration.ofMillis(Long.parseLong(stored.get(0).ratePeriodMillis())))
					: null;
		}
		return new FlowLimits(settings.name(), running, global, globalStored, rate, rateStored,
				Duration.ofMillis(backoff), new FlowLimits.Groups(groupConcurrency(settings, stored.get(0)),
						stored.get(0).groupConcurrency() != null,
						stored.stream().mapToLong(QueueScripts.StoredLimits::groupsRunning).sum(),
						stored.stream().mapToLong(QueueScripts.StoredLimits::groupsHeldBack).sum()));
	}

	private static int groupConcurrency(QueueSettings settings, QueueScripts.StoredLimits stored) {
		return (stored.groupConcurrency() != null) ? Integer.parseInt(stored.groupConcurrency())
				: settings.groupConcurrency();
	}

	private static int parseOrZero(String value) {
		return (value != null) ? Integer.parseInt(value) : 0;
	}

	/** A switch is set in every shard; what it was before is shard 0's. */
	private boolean control(String queue, Switch which, boolean on) {
		List<QueueScripts> shards = shards(queue);
		List<Boolean> before = QueueClient.join(all(shards, (shard) -> shard.control(which, on)));
		if (which == Switch.PAUSED && !on && shards.size() > 1) {
			// each shard's resume rings its own marker, but idle consumers block on shard 0's, which may have rung
			// (and been answered by a sweep that still found the other shards paused) before the others resumed
			QueueClient.join(shards.get(0).signal());
		}
		return before.get(0);
	}

	/** On while any shard has it on, so that a switch set half-way (a shard failed) shows and can be undone. */
	private boolean isOn(String queue, Switch which) {
		return QueueClient.join(all(shards(queue), (shard) -> shard.isOn(which))).contains(true);
	}

	/**
	 * A reload signals its own shard's marker; idle consumers of a sharded queue block on shard 0's, so signal that
	 * too.
	 */
	private void wakeConsumers(String queue, long moved) {
		List<QueueScripts> shards = shards(queue);
		if (moved > 0 && shards.size() > 1) {
			QueueClient.join(shards.get(0).signal());
		}
	}

	/** The scripts of every shard of a queue, shard 0 first. */
	private List<QueueScripts> shards(String queue) {
		return ShardLayout.shards(this.queues.get(queue))
			.stream()
			.map((shard) -> this.scripts.computeIfAbsent(shard.channel(), (channel) -> new QueueScripts(this.redis, shard)))
			.toList();
	}

	private static <T> CompletableFuture<List<T>> all(List<QueueScripts> shards,
			Function<QueueScripts, CompletableFuture<T>> call) {
		List<CompletableFuture<T>> calls = shards.stream().map(call).toList();
		return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
			.thenApply((done) -> calls.stream().map(CompletableFuture::join).toList());
	}

	private static long sum(List<QueueCounts> counts, ToLongFunction<QueueCounts> state) {
		return counts.stream().mapToLong(state).sum();
	}

	private static void requireParked(JobState state) {
		if (state != JobState.FAILED && state != JobState.TIMEOUT) {
			throw new IllegalArgumentException("Only failed and timeout jobs can be listed or reloaded, not " + state.key());
		}
	}

}
