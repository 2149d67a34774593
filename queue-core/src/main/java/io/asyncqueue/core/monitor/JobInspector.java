package io.asyncqueue.core.monitor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.asyncqueue.core.JobState;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.core.scripts.ShardLayout;

/**
 * Reads one job of a queue with everything Redis keeps about it: eight reads sent together, none of which
 * writes or blocks.
 *
 * @since 0.2.0
 */
public final class JobInspector {

	private static final JobState[] SCORED = { JobState.DELAYED, JobState.RESERVED, JobState.FAILED,
			JobState.TIMEOUT };

	private final RedisConnector redis;

	private final Queues queues;

	/**
	 * An inspector of the given queues.
	 * @param redis the connector
	 * @param queues the queues
	 */
	public JobInspector(RedisConnector redis, Queues queues) {
		this.redis = redis;
		this.queues = queues;
	}

	/**
	 * The job, or {@code null} when the queue has no job of that id.
	 * @param queue the queue
	 * @param id the job id
	 * @return the job as it is now
	 */
	public CompletableFuture<JobSnapshot> find(String queue, String id) {
		// a sharded queue's job is in one of its shards: look in each in turn
		CompletableFuture<JobSnapshot> found = CompletableFuture.completedFuture(null);
		for (QueueSettings shard : ShardLayout.shards(this.queues.get(queue))) {
			found = found.thenCompose((job) -> (job != null) ? CompletableFuture.completedFuture(job)
					: find(QueueKeys.of(shard.channel()), id));
		}
		return found;
	}

	private CompletableFuture<JobSnapshot> find(QueueKeys keys, String id) {
		var commands = this.redis.commands();
		CompletableFuture<String> envelope = commands.hget(keys.jobs(), id).toCompletableFuture();
		CompletableFuture<String> attempts = commands.hget(keys.attempts(), id).toCompletableFuture();
		CompletableFuture<String> stalls = commands.hget(keys.stalls(), id).toCompletableFuture();
		CompletableFuture<String> error = commands.hget(keys.errors(), id).toCompletableFuture();
		Map<JobState, CompletableFuture<Double>> scores = new LinkedHashMap<>();
		for (JobState state : SCORED) {
			scores.put(state, commands.zscore(keys.of(state), id).toCompletableFuture());
		}
		return CompletableFuture.allOf(envelope, attempts, stalls, error)
			.thenCompose((read) -> CompletableFuture.allOf(scores.values().toArray(CompletableFuture[]::new)))
			.thenApply((read) -> {
				if (envelope.join() == null) {
					return null;
				}
				JobState state = JobState.WAITING;
				Instant since = null;
				for (Map.Entry<JobState, CompletableFuture<Double>> score : scores.entrySet()) {
					if (score.getValue().join() != null) {
						state = score.getKey();
						since = Instant.ofEpochMilli(score.getValue().join().longValue());
					}
				}
				return new JobSnapshot(id, state, since, envelope.join(), leadingNumber(attempts.join()),
						leadingNumber(stalls.join()), error.join());
			});
	}

	/** Attempts are {@code attempt:fence} while a job is reserved, a bare count otherwise. */
	private static int leadingNumber(String value) {
		if (value == null) {
			return 0;
		}
		int colon = value.indexOf(':');
		return Integer.parseInt((colon < 0) ? value : value.substring(0, colon));
	}

}
