package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.core.StalledJobAction;
import io.asyncqueue.core.monitor.InstanceHeartbeat;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for async-queue: the queues, settings shared by all of them, and whether
 * this application consumes.
 *
 * <pre>
 * async-queue:
 *   defaults:
 *     handle-timeout: 10s
 *   queues:
 *     default: {}
 *     orders:
 *       concurrency: 1
 *       max-attempts: 3
 *       retry-backoff: [1s, 5s, 30s]
 * </pre>
 *
 * @since 0.1.0
 */
@ConfigurationProperties("async-queue")
public class AsyncQueueProperties {

	/**
	 * Whether to enable async-queue.
	 */
	private boolean enabled = true;

	/**
	 * Interval at which to publish a QueueLengthEvent with the job counts by state of every declared
	 * queue. Zero for never.
	 */
	private Duration queueLengthInterval = Duration.ofSeconds(30);

	private final Consumer consumer = new Consumer();

	private final Metrics metrics = new Metrics();

	private final Observation observation = new Observation();

	private final Cluster cluster = new Cluster();

	private final Defaults defaults = new Defaults();

	/**
	 * Queues by name. Each setting left unset takes its value from "async-queue.defaults". When no queue
	 * is declared, one named "default" is.
	 */
	private final Map<String, Queue> queues = new LinkedHashMap<>();

	/**
	 * Recurring jobs by name: at each tick exactly one instance pushes the job.
	 */
	private final Map<String, ScheduleProperties> schedules = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getQueueLengthInterval() {
		return this.queueLengthInterval;
	}

	public void setQueueLengthInterval(Duration queueLengthInterval) {
		this.queueLengthInterval = queueLengthInterval;
	}

	public Consumer getConsumer() {
		return this.consumer;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Observation getObservation() {
		return this.observation;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Queue> getQueues() {
		return this.queues;
	}

	public Map<String, ScheduleProperties> getSchedules() {
		return this.schedules;
	}

	/**
	 * Consumer properties.
	 */
	public static class Consumer {

		/**
		 * Whether this application consumes jobs. When false, it is a producer-only application: it starts
		 * no consumers and needs no job beans, and can still push to every declared queue.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * Time between two heartbeats of this instance (host, pid, queues, running jobs), which dashboards
		 * list; an instance that stops beating disappears after three intervals.
		 */
		private Duration heartbeatInterval = InstanceHeartbeat.DEFAULT_INTERVAL;

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

	}

	/**
	 * Micrometer metrics properties, used when the application has a MeterRegistry.
	 */
	public static class Metrics {

		/**
		 * Whether to publish percentile histograms for the job duration and queue wait timers, for
		 * percentiles aggregated across instances.
		 */
		private boolean histogram;

		/**
		 * Interval at which to read every declared queue's job counts by state for the queue depth gauges,
		 * in one Redis round trip per queue. Zero for no depth gauges.
		 */
		private Duration queueDepthInterval = Duration.ofSeconds(15);

		public boolean isHistogram() {
			return this.histogram;
		}

		public void setHistogram(boolean histogram) {
			this.histogram = histogram;
		}

		public Duration getQueueDepthInterval() {
			return this.queueDepthInterval;
		}

		public void setQueueDepthInterval(Duration queueDepthInterval) {
			this.queueDepthInterval = queueDepthInterval;
		}

	}

	/**
	 * Micrometer Observation properties, used when the application has an ObservationRegistry.
	 */
	public static class Observation {

		/**
		 * Whether to observe each push and each job execution, so that with a tracing bridge the consumer's
		 * span continues the producer's trace.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Redis Cluster properties of the engine's client: how fast it sees a failover.
	 */
	public static class Cluster {

		/**
		 * Interval at which the cluster topology (which master serves which slot) is refreshed, unless
		 * spring.data.redis.lettuce.cluster.refresh.period is set. Zero for no periodic refresh.
		 */
		private Duration refreshPeriod = Duration.ofSeconds(5);

		/**
		 * Whether the cluster topology is refreshed at once on MOVED or ASK redirects, persistent reconnects,
		 * unknown nodes and uncovered slots.
		 */
		private boolean adaptiveRefresh = true;

		/**
		 * Least time between two adaptive topology refreshes.
		 */
		private Duration adaptiveRefreshTimeout = Duration.ofSeconds(1);

		public Duration getRefreshPeriod() {
			return this.refreshPeriod;
		}

		public void setRefreshPeriod(Duration refreshPeriod) {
			this.refreshPeriod = refreshPeriod;
		}

		public boolean isAdaptiveRefresh() {
			return this.adaptiveRefresh;
		}

		public void setAdaptiveRefresh(boolean adaptiveRefresh) {
			this.adaptiveRefresh = adaptiveRefresh;
		}

		public Duration getAdaptiveRefreshTimeout() {
			return this.adaptiveRefreshTimeout;
		}

		public void setAdaptiveRefreshTimeout(Duration adaptiveRefreshTimeout) {
			this.adaptiveRefreshTimeout = adaptiveRefreshTimeout;
		}

	}

	/**
	 * Exponential retry backoff: initial × multiplier^(attempt - 1), capped at max, spread by ± jitter.
	 */
	public static class ExponentialBackoff {

		/**
		 * Delay after the first failure. Setting it turns the exponential backoff on, in place of
		 * "retry-backoff" at the same level.
		 */
		private @Nullable Duration initial;

		/**
		 * Growth factor of the delay after each failure, at least 1. Like max and jitter, it fails startup when set
		 * without initial, where it would have no effect.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay.
		 */
		private Duration max = Duration.ofMinutes(10);

		/**
		 * Random spread of each delay, as a fraction between 0 and 1, so that jobs that failed together do
		 * not retry together.
		 */
		private double jitter = 0.1;

		/** The parts other than initial that were bound, which have no effect without it. */
		private final List<String> partsSet = new ArrayList<>(3);

		public @Nullable Duration getInitial() {
			return this.initial;
		}

		public void setInitial(@Nullable Duration initial) {
			this.initial = initial;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
			this.partsSet.add("multiplier");
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
			this.partsSet.add("max");
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
			this.partsSet.add("jitter");
		}

		/**
		 * The parts other than {@code initial} that the configuration set, in the order they were bound.
		 * @return their names, such as {@code multiplier}
		 */
		List<String> partsSet() {
			return this.partsSet;
		}

	}

	/**
	 * Settings every queue takes unless it sets its own.
	 */
	public static class Defaults {

		/**
		 * Longest time an idle consumer blocks on Redis before it looks again.
		 */
		private Duration blockingTimeout = QueueSettings.DEFAULT_BLOCKING_TIMEOUT;

		/**
		 * Wait before each retry of a failed job: the first element after the first failure and so on,
		 * the last repeating. One element for a fixed delay.
		 */
		private List<Duration> retryBackoff = delays(QueueSettings.DEFAULT_RETRY_BACKOFF);

		private final ExponentialBackoff exponentialBackoff = new ExponentialBackoff();

		/**
		 * Most executions of one job, the first included.
		 */
		private int maxAttempts = QueueSettings.DEFAULT_MAX_ATTEMPTS;

		/**
		 * Longest time one execution may run before it is interrupted and counted as failed. Zero for no
		 * limit.
		 */
		private Duration handleTimeout = QueueSettings.DEFAULT_HANDLE_TIMEOUT;

		/**
		 * Fetch loops per queue in this process, each with its own blocking Redis connection.
		 */
		private int consumers = QueueSettings.DEFAULT_CONSUMERS;

		/**
		 * Most jobs of one queue running at once in this process. 1 runs them one at a time.
		 */
		private int concurrency = QueueSettings.DEFAULT_CONCURRENCY;

		/**
		 * Most jobs one fetch reserves in one round trip.
		 */
		private int fetchBatchSize = QueueSettings.DEFAULT_FETCH_BATCH_SIZE;

		/**
		 * Most jobs beyond concurrency one process holds reserved, waiting for a handler, while the
		 * queue has a backlog, so that a handler starts its next job without a round trip. Only taken
		 * while more jobs wait in Redis: a job pushed to a quiet queue is never held behind busy handlers.
		 * 0 reserves only what free handlers start (for long jobs over many instances). Unset, it starts at
		 * the concurrency (one job waiting per handler) and adapts: each process reserves ahead what its
		 * handlers finish during one fetch round trip, up to twice fetch-batch-size in all, so that jobs of a
		 * few microseconds do not leave handlers idle at every fetch (not on a queue with a rate limit, or a
		 * sharded one with a global concurrency, where it defaults to 0: a job reserved ahead would count
		 * against the limit). A set value is fixed. A reserved job waits at most half its
		 * lease for a handler, then goes back to waiting unstarted.
		 */
		private @Nullable Integer prefetch;

		/**
		 * How long a fetched job stays reserved without a renewal from its worker before it counts as
		 * stalled.
		 */
		private Duration leaseDuration = QueueSettings.DEFAULT_LEASE_DURATION;

		/**
		 * How many times a job may stall and be recovered before it goes to "failed".
		 */
		private int maxStalls = QueueSettings.DEFAULT_MAX_STALLS;

		/**
		 * What happens to a job whose lease expired: recover it to waiting, or park it in "timeout".
		 */
		private StalledJobAction stalledJobAction = QueueSettings.DEFAULT_STALLED_JOB_ACTION;

		/**
		 * How long a consumer\'s stop may take in all: running jobs get it less its last quarter (at most
		 * 2s), kept for interrupting the rest and putting them back to waiting. Also bounded by
		 * "spring.lifecycle.timeout-per-shutdown-phase".
		 */
		private Duration shutdownTimeout = QueueSettings.DEFAULT_SHUTDOWN_TIMEOUT;

		/**
		 * Largest serialized job that a push accepts.
		 */
		private DataSize maxPayloadSize = DataSize.ofBytes(QueueSettings.DEFAULT_MAX_PAYLOAD_SIZE);

		/**
		 * How long a job parked in "failed" or "timeout" is kept before it is deleted with its data; 0 keeps
		 * parked jobs until an operator acts.
		 */
		private Duration failedRetention = QueueSettings.DEFAULT_FAILED_RETENTION;

		/**
		 * Most jobs "failed", and separately "timeout", may hold; parking one more deletes the oldest with
		 * its data. 0 for no limit.
		 */
		private long failedMaxSize = QueueSettings.DEFAULT_FAILED_MAX_SIZE;

		/**
		 * Replicas that must acknowledge a push (Redis WAIT) before it is confirmed; 0 confirms once the
		 * primary has it. A push fewer replicas acknowledge in time fails with PushNotReplicatedException.
		 */
		private int replicas = QueueSettings.DEFAULT_REPLICAS;

		/**
		 * Longest a durable push waits for its replicas before it fails.
		 */
		private Duration replicaTimeout = QueueSettings.DEFAULT_REPLICA_TIMEOUT;

		/**
		 * Exceptions (and their subclasses) that send a job straight to "failed" without a retry.
		 */
		private List<Class<? extends Throwable>> nonRetryableExceptions = new ArrayList<>();

		/**
		 * Whether to start the queue's consumer with the application.
		 */
		private boolean autoStartup = true;

		public Duration getBlockingTimeout() {
			return this.blockingTimeout;
		}

		public void setBlockingTimeout(Duration blockingTimeout) {
			this.blockingTimeout = blockingTimeout;
		}

		public List<Duration> getRetryBackoff() {
			return this.retryBackoff;
		}

		public void setRetryBackoff(List<Duration> retryBackoff) {
			this.retryBackoff = retryBackoff;
		}

		public ExponentialBackoff getExponentialBackoff() {
			return this.exponentialBackoff;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getHandleTimeout() {
			return this.handleTimeout;
		}

		public void setHandleTimeout(Duration handleTimeout) {
			this.handleTimeout = handleTimeout;
		}

		public int getConsumers() {
			return this.consumers;
		}

		public void setConsumers(int consumers) {
			this.consumers = consumers;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getFetchBatchSize() {
			return this.fetchBatchSize;
		}

		public void setFetchBatchSize(int fetchBatchSize) {
			this.fetchBatchSize = fetchBatchSize;
		}

		public @Nullable Integer getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(@Nullable Integer prefetch) {
			this.prefetch = prefetch;
		}

		public Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public int getMaxStalls() {
			return this.maxStalls;
		}

		public void setMaxStalls(int maxStalls) {
			this.maxStalls = maxStalls;
		}

		public StalledJobAction getStalledJobAction() {
			return this.stalledJobAction;
		}

		public void setStalledJobAction(StalledJobAction stalledJobAction) {
			this.stalledJobAction = stalledJobAction;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public Duration getFailedRetention() {
			return this.failedRetention;
		}

		public void setFailedRetention(Duration failedRetention) {
			this.failedRetention = failedRetention;
		}

		public long getFailedMaxSize() {
			return this.failedMaxSize;
		}

		public void setFailedMaxSize(long failedMaxSize) {
			this.failedMaxSize = failedMaxSize;
		}

		public int getReplicas() {
			return this.replicas;
		}

		public void setReplicas(int replicas) {
			this.replicas = replicas;
		}

		public Duration getReplicaTimeout() {
			return this.replicaTimeout;
		}

		public void setReplicaTimeout(Duration replicaTimeout) {
			this.replicaTimeout = replicaTimeout;
		}

		public List<Class<? extends Throwable>> getNonRetryableExceptions() {
			return this.nonRetryableExceptions;
		}

		public void setNonRetryableExceptions(List<Class<? extends Throwable>> nonRetryableExceptions) {
			this.nonRetryableExceptions = nonRetryableExceptions;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		private static List<Duration> delays(RetryBackoff backoff) {
			if (backoff instanceof RetryBackoff.Fixed fixed) {
				return new ArrayList<>(List.of(fixed.delay()));
			}
			if (backoff instanceof RetryBackoff.Schedule schedule) {
				return new ArrayList<>(schedule.delays());
			}
			throw new IllegalStateException("Unexpected default retry backoff " + backoff);
		}

	}

	/**
	 * One queue. Every setting left unset takes its value from "async-queue.defaults".
	 */
	public static class Queue {

		/**
		 * Redis key prefix of the queue's keys. Defaults to "async-queue:" followed by the queue's name.
		 */
		private @Nullable String channel;

		/**
		 * Longest time an idle consumer blocks on Redis before it looks again.
		 */
		private @Nullable Duration blockingTimeout;

		/**
		 * Wait before each retry of a failed job: the first element after the first failure and so on,
		 * the last repeating. One element for a fixed delay.
		 */
		private @Nullable List<Duration> retryBackoff;

		private final ExponentialBackoff exponentialBackoff = new ExponentialBackoff();

		/**
		 * Most executions of one job, the first included.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Longest time one execution may run before it is interrupted and counted as failed. Zero for no
		 * limit.
		 */
		private @Nullable Duration handleTimeout;

		/**
		 * Fetch loops of this queue in this process, each with its own blocking Redis connection.
		 */
		private @Nullable Integer consumers;

		/**
		 * Most jobs of this queue running at once in this process. 1 runs them one at a time.
		 */
		private @Nullable Integer concurrency;

		/**
		 * Most jobs one fetch reserves in one round trip.
		 */
		private @Nullable Integer fetchBatchSize;

		/**
		 * Most jobs beyond concurrency one process holds reserved, waiting for a handler, while the
		 * queue has a backlog, so that a handler starts its next job without a round trip. Only taken
		 * while more jobs wait in Redis: a job pushed to a quiet queue is never held behind busy handlers.
		 * 0 reserves only what free handlers start (for long jobs over many instances). Unset, it starts at
		 * the concurrency (one job waiting per handler) and adapts: each process reserves ahead what its
		 * handlers finish during one fetch round trip, up to twice fetch-batch-size in all, so that jobs of a
		 * few microseconds do not leave handlers idle at every fetch (not on a queue with a rate limit, or a
		 * sharded one with a global concurrency, where it defaults to 0: a job reserved ahead would count
		 * against the limit). A set value is fixed. A reserved job waits at most half its
		 * lease for a handler, then goes back to waiting unstarted.
		 */
		private @Nullable Integer prefetch;

		/**
		 * How long a fetched job stays reserved without a renewal from its worker before it counts as
		 * stalled.
		 */
		private @Nullable Duration leaseDuration;

		/**
		 * How many times a job may stall and be recovered before it goes to "failed".
		 */
		private @Nullable Integer maxStalls;

		/**
		 * What happens to a job whose lease expired: recover it to waiting, or park it in "timeout".
		 */
		private @Nullable StalledJobAction stalledJobAction;

		/**
		 * How long a consumer\'s stop may take in all: running jobs get it less its last quarter (at most
		 * 2s), kept for interrupting the rest and putting them back to waiting. Also bounded by
		 * "spring.lifecycle.timeout-per-shutdown-phase".
		 */
		private @Nullable Duration shutdownTimeout;

		/**
		 * Largest serialized job that a push accepts.
		 */
		private @Nullable DataSize maxPayloadSize;

		/**
		 * How long a job parked in "failed" or "timeout" is kept before it is deleted with its data; 0 keeps
		 * parked jobs until an operator acts.
		 */
		private @Nullable Duration failedRetention;

		/**
		 * Most jobs "failed", and separately "timeout", may hold; parking one more deletes the oldest with
		 * its data. 0 for no limit.
		 */
		private @Nullable Long failedMaxSize;

		/**
		 * Replicas that must acknowledge a push (Redis WAIT) before it is confirmed; 0 confirms once the
		 * primary has it. A push fewer replicas acknowledge in time fails with PushNotReplicatedException.
		 */
		private @Nullable Integer replicas;

		/**
		 * Longest a durable push waits for its replicas before it fails.
		 */
		private @Nullable Duration replicaTimeout;

		/**
		 * Exceptions (and their subclasses) that send a job straight to "failed" without a retry. Replaces
		 * the default list.
		 */
		private @Nullable List<Class<? extends Throwable>> nonRetryableExceptions;

		/**
		 * Whether to start the queue's consumer with the application.
		 */
		private @Nullable Boolean autoStartup;

		/**
		 * Most jobs of this queue running at once across every instance (a job counts from the fetch that gives
		 * it a slot until it is settled or its lease expires); unset for no such limit. A job reserved ahead
		 * (prefetch) holds no slot until a finishing job of the same process hands it its own or the next fetch
		 * gives it one (on a sharded queue it holds a slot of its shard). A limit set at run time from the
		 * endpoint or the CLI overrides it.
		 */
		private @Nullable Integer globalConcurrency;

		/**
		 * How many Redis Cluster hash slots this queue is spread over, each in a slot range of its own (evenly on
		 * M masters when N is a multiple of M, until a reshard moves a slot), 1 to 256; unset for one slot. Pushes,
		 * consumers and operations treat the shards as one queue. Its global-concurrency and rate-limit are split
		 * among the shards; each must be at least the shard count.
		 */
		private @Nullable Integer shards;

		private final RateLimit rateLimit = new RateLimit();

		/**
		 * Most jobs of one group (pushed with a group key) running at once across every instance, started in push
		 * order; unset for 1, one at a time. A value set at run time from the endpoint or the CLI overrides it.
		 */
		private @Nullable Integer groupConcurrency;

		public @Nullable String getChannel() {
			return this.channel;
		}

		public void setChannel(@Nullable String channel) {
			this.channel = channel;
		}

		public @Nullable Duration getBlockingTimeout() {
			return this.blockingTimeout;
		}

		public void setBlockingTimeout(@Nullable Duration blockingTimeout) {
			this.blockingTimeout = blockingTimeout;
		}

		public @Nullable List<Duration> getRetryBackoff() {
			return this.retryBackoff;
		}

		public void setRetryBackoff(@Nullable List<Duration> retryBackoff) {
			this.retryBackoff = retryBackoff;
		}

		public ExponentialBackoff getExponentialBackoff() {
			return this.exponentialBackoff;
		}

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getHandleTimeout() {
			return this.handleTimeout;
		}

		public void setHandleTimeout(@Nullable Duration handleTimeout) {
			this.handleTimeout = handleTimeout;
		}

		public @Nullable Integer getConsumers() {
			return this.consumers;
		}

		public void setConsumers(@Nullable Integer consumers) {
			this.consumers = consumers;
		}

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public @Nullable Integer getFetchBatchSize() {
			return this.fetchBatchSize;
		}

		public void setFetchBatchSize(@Nullable Integer fetchBatchSize) {
			this.fetchBatchSize = fetchBatchSize;
		}

		public @Nullable Integer getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(@Nullable Integer prefetch) {
			this.prefetch = prefetch;
		}

		public @Nullable Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(@Nullable Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public @Nullable Integer getMaxStalls() {
			return this.maxStalls;
		}

		public void setMaxStalls(@Nullable Integer maxStalls) {
			this.maxStalls = maxStalls;
		}

		public @Nullable StalledJobAction getStalledJobAction() {
			return this.stalledJobAction;
		}

		public void setStalledJobAction(@Nullable StalledJobAction stalledJobAction) {
			this.stalledJobAction = stalledJobAction;
		}

		public @Nullable Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(@Nullable Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public @Nullable DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(@Nullable DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public @Nullable Duration getFailedRetention() {
			return this.failedRetention;
		}

		public void setFailedRetention(@Nullable Duration failedRetention) {
			this.failedRetention = failedRetention;
		}

		public @Nullable Long getFailedMaxSize() {
			return this.failedMaxSize;
		}

		public void setFailedMaxSize(@Nullable Long failedMaxSize) {
			this.failedMaxSize = failedMaxSize;
		}

		public @Nullable Integer getReplicas() {
			return this.replicas;
		}

		public void setReplicas(@Nullable Integer replicas) {
			this.replicas = replicas;
		}

		public @Nullable Duration getReplicaTimeout() {
			return this.replicaTimeout;
		}

		public void setReplicaTimeout(@Nullable Duration replicaTimeout) {
			this.replicaTimeout = replicaTimeout;
		}

		public @Nullable List<Class<? extends Throwable>> getNonRetryableExceptions() {
			return this.nonRetryableExceptions;
		}

		public void setNonRetryableExceptions(@Nullable List<Class<? extends Throwable>> nonRetryableExceptions) {
			this.nonRetryableExceptions = nonRetryableExceptions;
		}

		public @Nullable Boolean getAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(@Nullable Boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public @Nullable Integer getGlobalConcurrency() {
			return this.globalConcurrency;
		}

		public void setGlobalConcurrency(@Nullable Integer globalConcurrency) {
			this.globalConcurrency = globalConcurrency;
		}

		public @Nullable Integer getShards() {
			return this.shards;
		}

		public void setShards(@Nullable Integer shards) {
			this.shards = shards;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

		public @Nullable Integer getGroupConcurrency() {
			return this.groupConcurrency;
		}

		public void setGroupConcurrency(@Nullable Integer groupConcurrency) {
			this.groupConcurrency = groupConcurrency;
		}

	}

	/**
	 * At most "max" job starts of a queue in any window of "period", across every instance (a sliding log of the
	 * period's starts in Redis).
	 */
	public static class RateLimit {

		/**
		 * Most job starts in any window of the period. Setting it turns the rate limit on.
		 */
		private @Nullable Integer max;

		/**
		 * Window the maximum applies to. Fails startup when set without max, where it would have no effect.
		 */
		private Duration period = Duration.ofSeconds(1);

		/** Whether the period was bound: without max it has no effect. */
		private boolean periodSet;

		public @Nullable Integer getMax() {
			return this.max;
		}

		public void setMax(@Nullable Integer max) {
			this.max = max;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
			this.periodSet = true;
		}

		/**
		 * Whether the configuration set the period.
		 * @return whether it did
		 */
		boolean periodWasSet() {
			return this.periodSet;
		}

	}

}
