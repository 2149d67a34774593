package io.asyncqueue.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;
import io.asyncqueue.core.scripts.GuardedPushes;
import io.asyncqueue.core.scripts.PushRecord;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.QueueScripts;
import io.asyncqueue.core.scripts.ShardLayout;

/**
 * Pushes jobs. Thread-safe; share one instance. Every push is atomic, and a batch is one atomic step
 * for all its jobs (on a {@linkplain QueueSettings#shards() sharded} queue, one per shard its jobs go to). Pushes made at the same time by several threads travel together: while one push
 * call to a queue is in flight, the others queue up, in order, and go in the next call (a push to an
 * idle client goes at once), so many producers cost Redis few round trips. A synchronous push to an idle client is
 * written and read on the caller's own thread when the connector has a {@linkplain RedisConnector#direct() direct
 * connection} free, with the same answers as through Lettuce (queue-core's README). A push is accepted when its
 * call returns (an asynchronous one when its future completes): until then, for instance, a
 * {@linkplain QueueOperations#closePushes close} can still refuse it. Failures reach the caller: the
 * synchronous methods throw {@link QueueException}, the asynchronous ones complete exceptionally.
 *
 * @since 0.1.0
 */
public final class QueueClient {

	private final RedisConnector redis;

	private final JobSerializer serializer;

	private final Queues queues;

	/** Scripts by queue channel: each groups the pushes made while one of its calls is in flight. */
	private final Map<String, QueueScripts> scripts = new ConcurrentHashMap<>();

	/** Routers by queue name, for sharded queues. */
	private final Map<String, ShardRouter> routers = new ConcurrentHashMap<>();

	private final GuardedPushes guarded;

	/**
	 * A client for the given queues.
	 * @param redis the connector
	 * @param serializer the serializer
	 * @param queues the declared queues
	 */
	public QueueClient(RedisConnector redis, JobSerializer serializer, Queues queues) {
		this.redis = redis;
		this.serializer = serializer;
		this.queues = queues;
		this.guarded = new GuardedPushes(redis);
	}

	/**
	 * Push one job due now.
	 * @param queue the queue
	 * @param jobName the logical job name
	 * @param payload the payload
	 * @return the result
	 */
	public PushResult push(String queue, String jobName, Object payload) {
		return push(queue, jobName, payload, PushOptions.now());
	}

	/**
	 * Push one job.
	 * @param queue the queue
	 * @param jobName the logical job name
	 * @param payload the payload
	 * @param options when and how
	 * @return the result
	 */
	public PushResult push(String queue, String jobName, Object payload, PushOptions options) {
		if (options != null && options.guard() != null) {
			return join(guardedPushAsync(queue, new PushRequest(jobName, payload, options)));
		}
		return join(pushAll(queue, List.of(new PushRequest(jobName, payload, options)), true)).get(0);
	}

	/**
	 * Push one job without waiting for Redis.
	 * @param queue the queue
	 * @param jobName the logical job name
	 * @param payload the payload
	 * @param options when and how
	 * @return the result, completed exceptionally on failure
	 */
	public CompletableFuture<PushResult> pushAsync(String queue, String jobName, Object payload, PushOptions options) {
		if (options != null && options.guard() != null) {
			return guardedPushAsync(queue, new PushRequest(jobName, payload, options));
		}
		return pushAllAsync(queue, List.of(new PushRequest(jobName, payload, options)))
			.thenApply((results) -> results.get(0));
	}

	/**
	 * Push several jobs in one round trip and one atomic step (on a sharded queue, one call per shard its jobs go
	 * to, sent together, each atomic).
	 * @param queue the queue
	 * @param requests the jobs
	 * @return one result per request, in order
	 */
	public List<PushResult> pushAll(String queue, List<PushRequest> requests) {
		return join(pushAll(queue, requests, true));
	}

	/**
	 * Push several jobs without waiting for Redis.
	 * @param queue the queue
	 * @param requests the jobs
	 * @return one result per request, in order
	 */
	public CompletableFuture<List<PushResult>> pushAllAsync(String queue, List<PushRequest> requests) {
		return pushAll(queue, requests, false);
	}

	/**
	 * A push of several jobs; a caller that blocks on the reply at once may have it made on its own thread (a
	 * synchronous push to an idle client, through the connector's direct connection).
	 */
	private CompletableFuture<List<PushResult>> pushAll(String queue, List<PushRequest> requests, boolean callerWaits) {
		if (requests.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		CompletableFuture<List<PushResult>> reply;
		try {
			if (requests.stream().anyMatch((request) -> request.options().guard() != null)) {
				throw new IllegalArgumentException("A guarded push goes alone: push it with push(..) or pushAsync(..), "
						+ "not in a pushAll of " + requests.size() + " job(s)");
			}
			QueueSettings settings = this.queues.get(queue);
			// serialized and checked here, on the caller's thread: a payload that is refused fails alone
			List<PushRecord> records = records(settings, requests);
			reply = (settings.shards() == 1) ? scripts(settings).push(records, callerWaits)
					: pushSharded(settings, requests, records);
		}
		catch (RuntimeException ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		return reply.handle((results, failure) -> {
			if (failure != null) {
				throw pushFailure(queue, requests.size(), rootCause(failure));
			}
			return results;
		});
	}

	private CompletableFuture<PushResult> guardedPushAsync(String queue, PushRequest request) {
		CompletableFuture<PushResult> reply;
		try {
			QueueSettings settings = this.queues.get(queue);
			if (settings.shards() > 1) {
				throw new IllegalArgumentException("A guarded push needs the queue in one Redis slot, but queue '"
						+ queue + "' has shards: " + settings.shards() + "; push without a guard, or use an unsharded queue");
			}
			QueueScripts queueScripts = scripts(settings);
			reply = this.guarded.push(settings, queueScripts.keys().all().toArray(String[]::new),
					records(settings, List.of(request)).get(0).arguments(), request.options().guard());
		}
		catch (RuntimeException ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		return reply.handle((result, failure) -> {
			if (failure != null) {
				throw pushFailure(queue, 1, rootCause(failure));
			}
			return result;
		});
	}

	/**
	 * A key for a {@link PushGuard} of pushes to this queue: in the queue's Redis Cluster hash slot, and
	 * never one of the queue's own keys. For example {@code guardKey("orders", "stock:item-1")} is
	 * {@code {async-queue:orders}:guard:stock:item-1}.
	 * @param queue a declared queue
	 * @param name the application's name for the key
	 * @return the key
	 */
	public String guardKey(String queue, String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("A guard key's name must not be empty");
		}
		return QueueKeys.guardPrefix(this.queues.get(queue).channel()) + name;
	}

	private QueueScripts scripts(QueueSettings settings) {
		return this.scripts.computeIfAbsent(settings.channel(), (channel) -> new QueueScripts(this.redis, settings));
	}

	/**
	 * A push to a sharded queue: each shard's jobs in one call (atomic per shard), the calls in parallel, the
	 * results back in the order of the requests. Then one signal on shard 0's marker, where idle consumers block,
	 * unless every job went to shard 0, whose push script signals it already.
	 */
	private CompletableFuture<List<PushResult>> pushSharded(QueueSettings settings, List<PushRequest> requests,
			List<PushRecord> records) {
		List<QueueSettings> shards = ShardLayout.shards(settings);
		ShardRouter router = this.routers.computeIfAbsent(settings.name(), (name) -> new ShardRouter(shards.size()));
		List<List<Integer>> positions = new ArrayList<>(shards.size());
		for (int i = 0; i < shards.size(); i++) {
			positions.add(new ArrayList<>());
		}
		for (int i = 0; i < requests.size(); i++) {
			positions.get(router.shardOf(requests.get(i).options())).add(i);
		}
		PushResult[] results = new PushResult[requests.size()];
		List<CompletableFuture<?>> calls = new ArrayList<>(shards.size());
		boolean otherShards = false;
		for (int shard = 0; shard < shards.size(); shard++) {
			List<Integer> at = positions.get(shard);
			if (at.isEmpty()) {
				continue;
			}
			otherShards |= shard > 0;
			calls.add(scripts(shards.get(shard)).push(at.stream().map(records::get).toList()).thenAccept((pushed) -> {
				for (int i = 0; i < at.size(); i++) {
					results[at.get(i)] = pushed.get(i);
				}
			}));
		}
		CompletableFuture<Void> all = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
		if (otherShards) {
			// after the pushes, whatever their outcome, and never failing them: a lost signal only delays the
			// jobs until a consumer's next sweep (one blocking timeout)
			QueueScripts doorbell = scripts(shards.get(0));
			all.whenComplete((done, failure) -> doorbell.signal());
		}
		return all.thenApply((done) -> List.of(results));
	}

	private static QueueException pushFailure(String queue, int jobs, Throwable cause) {
		if (cause instanceof QueueException queueException) {
			return queueException;
		}
		if (String.valueOf(cause.getMessage()).startsWith("PUSH_CLOSED")) {
			return new QueueClosedException(queue);
		}
		// permanent refusals, outages and failovers get a type of their own: a caller retries only the latter
		return RedisFailures.exception("Could not push " + jobs + " job(s) to queue '" + queue + "'", cause);
	}

	private List<PushRecord> records(QueueSettings settings, List<PushRequest> requests) {
		List<PushRecord> records = new ArrayList<>(requests.size());
		Instant now = Instant.now();
		List<String> envelopes = this.serializer.serializeAll(requests, now);
		for (int i = 0; i < requests.size(); i++) {
			PushRequest request = requests.get(i);
			PushOptions options = request.options();
			String envelope = envelopes.get(i);
			if (envelope.length() * 3 > settings.maxPayloadSize()) {
				int size = JobSerializer.utf8Length(envelope);
				if (size > settings.maxPayloadSize()) {
					throw new PayloadTooLargeException(settings.name(), request.jobName(), size,
							settings.maxPayloadSize());
				}
			}
			String id = (options.jobId() != null) ? options.jobId() : JobIds.next();
			records.add(new PushRecord(id, envelope, options.delay().toMillis(),
					(options.at() != null) ? Math.max(options.at().toEpochMilli(), 1) : 0, options.uniqueId(), options.priority(),
					options.group()));
		}
		return records;
	}

	static <T> T join(CompletableFuture<T> future) {
		return RedisFailures.join(future);
	}

	static Throwable rootCause(Throwable failure) {
		return RedisFailures.unwrap(failure);
	}

	/** The declared queues. */
	public Queues queues() {
		return this.queues;
	}

}
