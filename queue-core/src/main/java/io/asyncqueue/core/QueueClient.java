package io.asyncqueue.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisScript;

/**
 * Pushes jobs. Thread-safe; share one instance. Every push is atomic, and a batch is one atomic step
 * for all its jobs. Pushes made at the same time by several threads travel together: while one push
 * call to a queue is in flight, the others queue up, in order, and go in the next call (a push to an
 * idle client goes at once), so many producers cost Redis few round trips. A push is accepted when its
 * call returns (an asynchronous one when its future completes): until then, for instance, a
 * {@linkplain QueueOperations#closePushes close} can still refuse it. Failures reach the caller: the
 * synchronous methods throw {@link QueueException}, the asynchronous ones complete exceptionally.
 *
 * @since 0.1.0
 */
public final class QueueClient {

	private static final RedisScript PUSH = RedisScript.named("push");

	private final RedisConnector redis;

	private final JobSerializer serializer;

	private final Queues queues;

	private final Map<String, String[]> keys = new ConcurrentHashMap<>();

	/** Pushes by queue channel, grouped while a call is in flight. */
	private final Map<String, ScriptBatcher<List<PushResult>>> pushes = new ConcurrentHashMap<>();

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
		return join(pushAsync(queue, jobName, payload, options));
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
		return pushAllAsync(queue, List.of(new PushRequest(jobName, payload, options)))
			.thenApply((results) -> results.get(0));
	}

	/**
	 * Push several jobs in one round trip and one atomic step.
	 * @param queue the queue
	 * @param requests the jobs
	 * @return one result per request, in order
	 */
	public List<PushResult> pushAll(String queue, List<PushRequest> requests) {
		return join(pushAllAsync(queue, requests));
	}

	/**
	 * Push several jobs without waiting for Redis.
	 * @param queue the queue
	 * @param requests the jobs
	 * @return one result per request, in order
	 */
	public CompletableFuture<List<PushResult>> pushAllAsync(String queue, List<PushRequest> requests) {
		if (requests.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		CompletableFuture<List<PushResult>> reply;
		try {
			QueueSettings settings = this.queues.get(queue);
			// serialized and checked here, on the caller's thread: a payload that is refused fails alone
			String[] records = arguments(settings, requests);
			reply = this.pushes.computeIfAbsent(settings.channel(), (channel) -> pushBatcher(settings))
				.submitAll(records, requests.size());
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

	private ScriptBatcher<List<PushResult>> pushBatcher(QueueSettings settings) {
		// a call carries up to 1000 jobs, or 4 Mi characters of arguments; a larger batch or envelope goes alone
		return new ScriptBatcher<>(this.redis, PUSH, keys(settings), 1000, 4L << 20, 2, QueueClient::pushResults,
				Runnable::run);
	}

	private static List<PushResult> pushResults(List<Object> reply, int offset, int jobs) {
		List<PushResult> results = new ArrayList<>(jobs);
		for (int i = offset; i < offset + 2 * jobs; i += 2) {
			results.add(new PushResult((String) reply.get(i), ((Long) reply.get(i + 1)) == 1L));
		}
		return results;
	}

	private static QueueException pushFailure(String queue, int jobs, Throwable cause) {
		if (cause instanceof QueueException queueException) {
			return queueException;
		}
		if (String.valueOf(cause.getMessage()).startsWith("PUSH_CLOSED")) {
			return new QueueClosedException(queue);
		}
		return new QueueException("Could not push " + jobs + " job(s) to queue '" + queue + "': " + cause.getMessage(),
				cause);
	}

	private String[] arguments(QueueSettings settings, List<PushRequest> requests) {
		String[] args = new String[requests.size() * 5];
		Instant now = Instant.now();
		int i = 0;
		for (PushRequest request : requests) {
			PushOptions options = request.options();
			String envelope = this.serializer.serialize(request.jobName(), request.payload(), now, options);
			if (envelope.length() * 3 > settings.maxPayloadSize()) {
				int size = JobSerializer.utf8Length(envelope);
				if (size > settings.maxPayloadSize()) {
					throw new PayloadTooLargeException(settings.name(), request.jobName(), size,
							settings.maxPayloadSize());
				}
			}
			args[i++] = (options.jobId() != null) ? options.jobId() : JobIds.next();
			args[i++] = envelope;
			args[i++] = Long.toString(options.delay().toMillis());
			args[i++] = (options.at() != null) ? Long.toString(Math.max(options.at().toEpochMilli(), 1)) : "0";
			args[i++] = (options.uniqueId() != null) ? options.uniqueId() : "";
		}
		return args;
	}

	private String[] keys(QueueSettings settings) {
		return this.keys.computeIfAbsent(settings.channel(),
				(channel) -> QueueKeys.of(channel).all().toArray(String[]::new));
	}

	static <T> T join(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			Throwable cause = rootCause(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new QueueException(cause.getMessage(), cause);
		}
	}

	static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/** The declared queues. */
	public Queues queues() {
		return this.queues;
	}

}
