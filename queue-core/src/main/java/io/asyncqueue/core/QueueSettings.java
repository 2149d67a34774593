package io.asyncqueue.core;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The immutable, validated settings of one queue. Build with {@link #builder(String)}; every setting
 * has a default that {@link #defaults(String)} shows.
 *
 * <p>Names follow Hyperf's async-queue where it has one: {@code channel}, {@code timeout} (here
 * {@link #blockingTimeout()}), {@code retry_seconds} ({@link #retryBackoff()}), {@code handle_timeout},
 * {@code processes} ({@link #consumers()}), {@code concurrent.limit} ({@link #concurrency()}).
 * Unlike Hyperf's {@code maxAttempts}, which counts retries, {@link #maxAttempts()} counts every
 * execution including the first: Hyperf's {@code maxAttempts = N} is {@code maxAttempts = N + 1} here.
 *
 * @since 0.1.0
 */
public final class QueueSettings {

	/** Default for {@link #blockingTimeout()}. */
	public static final Duration DEFAULT_BLOCKING_TIMEOUT = Duration.ofSeconds(10);

	/** Default for {@link #retryBackoff()}. */
	public static final RetryBackoff DEFAULT_RETRY_BACKOFF = RetryBackoff.fixed(Duration.ofSeconds(5));

	/** Default for {@link #maxAttempts()}. */
	public static final int DEFAULT_MAX_ATTEMPTS = 3;

	/** Default for {@link #handleTimeout()}. */
	public static final Duration DEFAULT_HANDLE_TIMEOUT = Duration.ofSeconds(10);

	/** Default for {@link #consumers()}. */
	public static final int DEFAULT_CONSUMERS = 1;

	/** Default for {@link #concurrency()}. */
	public static final int DEFAULT_CONCURRENCY = 10;

	/** Default for {@link #fetchBatchSize()}. */
	public static final int DEFAULT_FETCH_BATCH_SIZE = 32;

	/** Default for {@link #leaseDuration()}. */
	public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

	/** Default for {@link #maxStalls()}. */
	public static final int DEFAULT_MAX_STALLS = 2;

	/** Default for {@link #stalledJobAction()}. */
	public static final StalledJobAction DEFAULT_STALLED_JOB_ACTION = StalledJobAction.RECOVER;

	/** Default for {@link #shutdownTimeout()}. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/** Default for {@link #maxPayloadSize()}: 1 MiB. */
	public static final int DEFAULT_MAX_PAYLOAD_SIZE = 1024 * 1024;

	/** The prefix of the default {@link #channel()}: {@code async-queue:<name>}. */
	public static final String DEFAULT_CHANNEL_PREFIX = "async-queue:";

	/** Default for {@link #failedRetention()}: zero, parked jobs are kept until an operator acts. */
	public static final Duration DEFAULT_FAILED_RETENTION = Duration.ZERO;

	/** Default for {@link #failedMaxSize()}: zero, no limit. */
	public static final long DEFAULT_FAILED_MAX_SIZE = 0;

	/** Default replicas a push waits for: none, a push is confirmed once the primary has it. */
	public static final int DEFAULT_REPLICAS = 0;

	/** Default longest wait for the replicas of a durable push. */
	public static final Duration DEFAULT_REPLICA_TIMEOUT = Duration.ofMillis(500);

	/** Default for {@link #globalConcurrency()}: zero, no limit across instances. */
	public static final int DEFAULT_GLOBAL_CONCURRENCY = 0;

	/** Default for {@link #groupConcurrency()}: one, the jobs of a group run one at a time. */
	public static final int DEFAULT_GROUP_CONCURRENCY = 1;

	/** Default for {@link #shards()}: one slot, the keys every version before sharding used. */
	public static final int DEFAULT_SHARDS = 1;

	/** The most shards of one queue: each costs an idle consumer one fetch per blocking timeout. */
	public static final int MAX_SHARDS = 256;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");

	private final String name;

	private final String channel;

	private final Duration blockingTimeout;

	private final RetryBackoff retryBackoff;

	private final int maxAttempts;

	private final Duration handleTimeout;

	private final int consumers;

	private final int concurrency;

	private final int fetchBatchSize;

	/** As set; {@code null} for the default, the concurrency. */
	private final Integer prefetch;

	private final Duration leaseDuration;

	private final int maxStalls;

	private final StalledJobAction stalledJobAction;

	private final Duration shutdownTimeout;

	private final int maxPayloadSize;

	private final Set<Class<? extends Throwable>> nonRetryableExceptions;

	private final Duration failedRetention;

	private final long failedMaxSize;

	private final int replicas;

	private final Duration replicaTimeout;

	private final int globalConcurrency;

	private final RateLimit rateLimit;

	private final int groupConcurrency;

	private final int shards;

	private QueueSettings(Builder builder) {
		this.name = builder.name;
		this.channel = (builder.channel != null) ? builder.channel : DEFAULT_CHANNEL_PREFIX + builder.name;
		this.blockingTimeout = builder.blockingTimeout;
		this.retryBackoff = builder.retryBackoff;
		this.maxAttempts = builder.maxAttempts;
		this.handleTimeout = builder.handleTimeout;
		this.consumers = builder.consumers;
		this.concurrency = builder.concurrency;
		this.fetchBatchSize = builder.fetchBatchSize;
		this.prefetch = builder.prefetch;
		this.leaseDuration = builder.leaseDuration;
		this.maxStalls = builder.maxStalls;
		this.stalledJobAction = builder.stalledJobAction;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.maxPayloadSize = builder.maxPayloadSize;
		this.nonRetryableExceptions = Set.copyOf(builder.nonRetryableExceptions);
		this.failedRetention = builder.failedRetention;
		this.failedMaxSize = builder.failedMaxSize;
		this.replicas = builder.replicas;
		this.replicaTimeout = builder.replicaTimeout;
		this.globalConcurrency = builder.globalConcurrency;
		this.rateLimit = builder.rateLimit;
		this.groupConcurrency = builder.groupConcurrency;
		this.shards = builder.shards;
		validate();
	}

	private void validate() {
		if (this.name == null || !NAME.matcher(this.name).matches()) {
			throw new InvalidQueueSettingException(this.name, "name",
					"must start with a letter or digit and contain only letters, digits, '.', '_', ':' or '-'");
		}
		if (this.channel.isBlank() || this.channel.indexOf('{') >= 0 || this.channel.indexOf('}') >= 0) {
			throw new InvalidQueueSettingException(this.name, "channel",
					"must be a non-blank key prefix without braces (the braces of the Redis Cluster hash tag are added)");
		}
		positive(this.blockingTimeout, "blocking-timeout");
		Objects.requireNonNull(this.retryBackoff, "retryBackoff");
		atLeastOne(this.maxAttempts, "max-attempts");
		if (this.handleTimeout == null || this.handleTimeout.isNegative()) {
			throw new InvalidQueueSettingException(this.name, "handle-timeout",
					"must be zero (no limit) or positive, was " + this.handleTimeout);
		}
		atLeastOne(this.consumers, "consumers");
		atLeastOne(this.concurrency, "concurrency");
		atLeastOne(this.fetchBatchSize, "fetch-batch-size");
		if (this.prefetch != null && this.prefetch < 0) {
			throw new InvalidQueueSettingException(this.name, "prefetch", "must be zero or more, was " + this.prefetch);
		}
		if ((long) this.concurrency + prefetch() >= Integer.MAX_VALUE) {
			throw new InvalidQueueSettingException(this.name, "prefetch",
					"plus concurrency must stay below " + Integer.MAX_VALUE + ", was " + prefetch());
		}
		positive(this.leaseDuration, "lease-duration");
		if (this.leaseDuration.toMillis() < 300) {
			throw new InvalidQueueSettingException(this.name, "lease-duration",
					"must be at least 300ms so that renewals can keep up, was " + this.leaseDuration);
		}
		if (this.maxStalls < 0) {
			throw new InvalidQueueSettingException(this.name, "max-stalls", "must be zero or more, was " + this.maxStalls);
		}
		Objects.requireNonNull(this.stalledJobAction, "stalledJobAction");
		if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
			throw new InvalidQueueSettingException(this.name, "shutdown-timeout",
					"must be zero or positive, was " + this.shutdownTimeout);
		}
		if (this.maxPayloadSize < 64) {
			throw new InvalidQueueSettingException(this.name, "max-payload-size",
					"must be at least 64 bytes, was " + this.maxPayloadSize);
		}
		if (this.failedRetention == null || this.failedRetention.isNegative()
				|| (!this.failedRetention.isZero() && this.failedRetention.toMillis() < 1000)) {
			throw new InvalidQueueSettingException(this.name, "failed-retention",
					"must be zero (keep parked jobs until an operator acts) or at least 1s, was " + this.failedRetention);
		}
		if (this.failedMaxSize < 0) {
			throw new InvalidQueueSettingException(this.name, "failed-max-size",
					"must be zero (no limit) or positive, was " + this.failedMaxSize);
		}
		if (this.replicas < 0) {
			throw new InvalidQueueSettingException(this.name, "replicas",
					"must be zero (a push is confirmed once the primary has it) or more, was " + this.replicas);
		}
		positive(this.replicaTimeout, "replica-timeout");
		if (this.globalConcurrency < 0) {
			throw new InvalidQueueSettingException(this.name, "global-concurrency",
					"must be zero (no limit across instances) or positive, was " + this.globalConcurrency);
		}
		if (this.groupConcurrency < 1) {
			throw new InvalidQueueSettingException(this.name, "group-concurrency",
					"must be at least 1 (the jobs of one group running at once across every instance), was "
							+ this.groupConcurrency);
		}
		String rateProblem = (this.rateLimit != null) ? this.rateLimit.problem() : null;
		if (rateProblem != null) {
			throw new InvalidQueueSettingException(this.name, "rate-limit", rateProblem);
		}
		if (this.shards < 1 || this.shards > MAX_SHARDS) {
			throw new InvalidQueueSettingException(this.name, "shards",
					"must be between 1 (one Redis slot) and " + MAX_SHARDS + ", was " + this.shards);
		}
		// a sharded queue's limits are split among its shards (ShardLayout), each needing at least one
		if (this.shards > 1 && this.globalConcurrency > 0 && this.globalConcurrency < this.shards) {
			throw new InvalidQueueSettingException(this.name, "global-concurrency",
					"is split among the queue's " + this.shards + " shards, each needing at least 1, so must be "
							+ this.shards + " or more (or 0 for no limit), was " + this.globalConcurrency);
		}
		if (this.shards > 1 && this.rateLimit != null && this.rateLimit.max() < this.shards) {
			throw new InvalidQueueSettingException(this.name, "rate-limit",
					"max is split among the queue's " + this.shards + " shards, each needing at least 1, so must be "
							+ this.shards + " or more, was " + this.rateLimit.max());
		}
	}

	private void positive(Duration value, String property) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidQueueSettingException(this.name, property, "must be positive, was " + value);
		}
	}

	private void atLeastOne(int value, String property) {
		if (value < 1) {
			throw new InvalidQueueSettingException(this.name, property, "must be at least 1, was " + value);
		}
	}

	/**
	 * Settings with every default.
	 * @param name the queue name
	 * @return the settings
	 */
	public static QueueSettings defaults(String name) {
		return builder(name).build();
	}

	/**
	 * A builder that starts from the defaults.
	 * @param name the queue name
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * A builder that starts from these settings.
	 * @return the builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.name);
		builder.channel = this.channel;
		builder.blockingTimeout = this.blockingTimeout;
		builder.retryBackoff = this.retryBackoff;
		builder.maxAttempts = this.maxAttempts;
		builder.handleTimeout = this.handleTimeout;
		builder.consumers = this.consumers;
		builder.concurrency = this.concurrency;
		builder.fetchBatchSize = this.fetchBatchSize;
		builder.prefetch = this.prefetch;
		builder.leaseDuration = this.leaseDuration;
		builder.maxStalls = this.maxStalls;
		builder.stalledJobAction = this.stalledJobAction;
		builder.shutdownTimeout = this.shutdownTimeout;
		builder.maxPayloadSize = this.maxPayloadSize;
		builder.failedRetention = this.failedRetention;
		builder.failedMaxSize = this.failedMaxSize;
		builder.replicas = this.replicas;
		builder.replicaTimeout = this.replicaTimeout;
		builder.globalConcurrency = this.globalConcurrency;
		builder.rateLimit = this.rateLimit;
		builder.groupConcurrency = this.groupConcurrency;
		builder.shards = this.shards;
		builder.nonRetryableExceptions.addAll(this.nonRetryableExceptions);
		return builder;
	}

	/** The queue's name, used in logs, metrics and to route jobs. */
	public String name() {
		return this.name;
	}

	/** The Redis key prefix; every key is {@code {channel}:<state>} so that all share one cluster slot. */
	public String channel() {
		return this.channel;
	}

	/** The longest an idle consumer blocks on Redis before it looks again (Hyperf's {@code timeout}). */
	public Duration blockingTimeout() {
		return this.blockingTimeout;
	}

	/** The wait before each retry of a failed job (Hyperf's {@code retry_seconds}). */
	public RetryBackoff retryBackoff() {
		return this.retryBackoff;
	}

	/** The most executions of one job, the first included. */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/** The longest one execution may run before it is interrupted and counted as failed; zero for no limit. */
	public Duration handleTimeout() {
		return this.handleTimeout;
	}

	/** The fetch loops of this queue in one process, each with its own blocking connection. */
	public int consumers() {
		return this.consumers;
	}

	/** The most jobs of this queue running at once in one process; 1 runs them strictly one at a time. */
	public int concurrency() {
		return this.concurrency;
	}

	/** The most jobs one fetch reserves in one round trip. */
	public int fetchBatchSize() {
		return this.fetchBatchSize;
	}

	/**
	 * How many jobs beyond {@link #concurrency()} one process may hold reserved, waiting for a handler,
	 * while the queue has a backlog. A handler that finishes then starts the next job at once instead of
	 * waiting for a fetch round trip. Jobs are only reserved ahead while more are waiting in Redis, so a
	 * job pushed to a quiet queue is never held behind busy handlers here while another process is idle.
	 * 0 reserves only what the free handlers can start: the choice for long jobs spread over many
	 * processes, where a job held here at the end of a backlog waits for a handler while another process
	 * may be idle. By default as many as {@link #concurrency()}: one job waiting per handler, or 0 on a queue
	 * with a {@link #rateLimit()}, which counts a start when the job is reserved (a job reserved ahead would run
	 * later than it was counted, in a window that may already be full), and on a sharded queue with a
	 * {@link #globalConcurrency()}, where a job reserved ahead holds one of its shard's slots. (On an unsharded
	 * queue a job reserved ahead holds no slot of the global concurrency: it starts in the slot of a job of the
	 * same worker that finished, and only while no other consumer waits for a slot.) Left unset on a queue without
	 * those limits, this is where the prefetch starts: the worker raises it while jobs finish faster than a fetch
	 * round trip (see {@link #prefetchAdapts()}).
	 */
	public int prefetch() {
		if (this.prefetch != null) {
			return this.prefetch;
		}
		return reservesAhead() ? this.concurrency : 0;
	}

	/** Whether jobs reserved ahead of the handlers cost the queue's limits nothing (see {@link #prefetch()}). */
	private boolean reservesAhead() {
		return this.rateLimit == null && (this.globalConcurrency == 0 || this.shards <= 1);
	}

	/**
	 * Whether a worker adapts the prefetch to its jobs: when none was set and the queue has no rate limit (nor a
	 * global concurrency split between shards). It then reserves ahead as many jobs as its handlers finish during one fetch round trip, from
	 * {@link #prefetch()} (the concurrency) up to twice {@link #fetchBatchSize()} in all: jobs that take longer than a
	 * round trip keep the default, jobs of a few microseconds no longer leave the handlers idle at every fetch.
	 */
	public boolean prefetchAdapts() {
		return this.prefetch == null && reservesAhead();
	}

	/** How long a fetched job stays reserved without a renewal from its worker before it counts as stalled. */
	public Duration leaseDuration() {
		return this.leaseDuration;
	}

	/** How many times a job may stall and be recovered before it goes to {@code failed}. */
	public int maxStalls() {
		return this.maxStalls;
	}

	/** What happens to a job whose lease expired. */
	public StalledJobAction stalledJobAction() {
		return this.stalledJobAction;
	}

	/** How long a stopping consumer lets running jobs finish before it interrupts them and puts them back. */
	public Duration shutdownTimeout() {
		return this.shutdownTimeout;
	}

	/** The largest serialized job, in bytes, that a push accepts. */
	public int maxPayloadSize() {
		return this.maxPayloadSize;
	}

	/**
	 * How long a job parked in {@code failed} or {@code timeout} is kept before it is deleted with its data,
	 * oldest first, whenever another job is parked; zero keeps parked jobs until an operator acts.
	 */
	public Duration failedRetention() {
		return this.failedRetention;
	}

	/**
	 * The most jobs {@code failed}, and separately {@code timeout}, may hold: parking one more deletes the
	 * oldest with its data; zero for no limit.
	 */
	public long failedMaxSize() {
		return this.failedMaxSize;
	}

	/**
	 * How many replicas must have a push before it is confirmed (Redis {@code WAIT}); zero to confirm once
	 * the primary has it. A push that fewer replicas acknowledge within {@link #replicaTimeout()} fails with a
	 * {@link PushNotReplicatedException}.
	 */
	public int replicas() {
		return this.replicas;
	}

	/** The longest a push waits for its {@link #replicas()} before it fails. */
	public Duration replicaTimeout() {
		return this.replicaTimeout;
	}

	/**
	 * The most jobs of this queue running at once across every instance, zero for no such limit. A job holds a
	 * slot from the fetch that gives it one until it is settled or its lease expires (a killed instance's slots
	 * come back when its leases do); a job reserved ahead of the handlers ({@link #prefetch()}) holds none until a
	 * finishing job of the same worker hands it its own or the next fetch gives it one (on a sharded queue it holds
	 * one of its shard's). A limit stored in Redis at run time overrides this one.
	 */
	public int globalConcurrency() {
		return this.globalConcurrency;
	}

	/**
	 * The most job starts in any window of the limit's period across every instance, or {@code null} for no
	 * limit; a limit stored in Redis at run time overrides this one.
	 */
	public RateLimit rateLimit() {
		return this.rateLimit;
	}

	/**
	 * How many jobs of one group ({@link PushOptions#group(String)}) may run at once across every instance; they
	 * start in push order, one at a time by default.
	 * @since 0.6.0
	 */
	public int groupConcurrency() {
		return this.groupConcurrency;
	}

	/**
	 * How many Redis Cluster hash slots the queue is spread over; 1 keeps it in one slot. Each shard is a
	 * queue of its own in Redis (see {@code ShardLayout}); clients, workers and operations treat them as one.
	 * The {@link #globalConcurrency()} and {@link #rateLimit()} are split among the shards, each enforcing its
	 * share, so that they hold for the whole queue; each must then be at least the shard count.
	 */
	public int shards() {
		return this.shards;
	}

	/** Exceptions (and their subclasses) that send a job straight to {@code failed} without a retry. */
	public Set<Class<? extends Throwable>> nonRetryableExceptions() {
		return this.nonRetryableExceptions;
	}

	/**
	 * Whether a failure with this exception may be retried.
	 * @param failure the exception thrown by the job
	 * @return {@code false} when it is one of the {@link #nonRetryableExceptions()}
	 */
	public boolean isRetryable(Throwable failure) {
		for (Class<? extends Throwable> type : this.nonRetryableExceptions) {
			if (type.isInstance(failure)) {
				return false;
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return "QueueSettings[name=" + this.name + ", channel=" + this.channel + ", blockingTimeout="
				+ this.blockingTimeout + ", retryBackoff=" + this.retryBackoff + ", maxAttempts=" + this.maxAttempts
				+ ", handleTimeout=" + this.handleTimeout + ", consumers=" + this.consumers + ", concurrency="
				+ this.concurrency + ", fetchBatchSize=" + this.fetchBatchSize + ", prefetch=" + prefetch()
				+ ", leaseDuration="
				+ this.leaseDuration + ", maxStalls=" + this.maxStalls + ", stalledJobAction="
				+ this.stalledJobAction + ", shutdownTimeout=" + this.shutdownTimeout + ", maxPayloadSize="
				+ this.maxPayloadSize + ", nonRetryableExceptions=" + this.nonRetryableExceptions
				+ ", failedRetention=" + this.failedRetention + ", failedMaxSize=" + this.failedMaxSize + ", replicas="
				+ this.replicas + ", replicaTimeout=" + this.replicaTimeout + ", globalConcurrency="
				+ this.globalConcurrency + ", rateLimit=" + this.rateLimit + ", groupConcurrency=" + this.groupConcurrency
				+ ", shards=" + this.shards + "]";
	}

	/**
	 * Builds {@link QueueSettings}; {@link #build()} validates.
	 */
	public static final class Builder {

		private final String name;

		private String channel;

		private Duration blockingTimeout = DEFAULT_BLOCKING_TIMEOUT;

		private RetryBackoff retryBackoff = DEFAULT_RETRY_BACKOFF;

		private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

		private Duration handleTimeout = DEFAULT_HANDLE_TIMEOUT;

		private int consumers = DEFAULT_CONSUMERS;

		private int concurrency = DEFAULT_CONCURRENCY;

		private int fetchBatchSize = DEFAULT_FETCH_BATCH_SIZE;

		private Integer prefetch;

		private Duration leaseDuration = DEFAULT_LEASE_DURATION;

		private int maxStalls = DEFAULT_MAX_STALLS;

		private StalledJobAction stalledJobAction = DEFAULT_STALLED_JOB_ACTION;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private int maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE;

		private Duration failedRetention = DEFAULT_FAILED_RETENTION;

		private long failedMaxSize = DEFAULT_FAILED_MAX_SIZE;

		private int replicas = DEFAULT_REPLICAS;

		private Duration replicaTimeout = DEFAULT_REPLICA_TIMEOUT;

		private int globalConcurrency = DEFAULT_GLOBAL_CONCURRENCY;

		private RateLimit rateLimit;

		private int groupConcurrency = DEFAULT_GROUP_CONCURRENCY;

		private int shards = DEFAULT_SHARDS;

		private final Set<Class<? extends Throwable>> nonRetryableExceptions = new LinkedHashSet<>();

		private Builder(String name) {
			this.name = name;
		}

		public Builder channel(String channel) {
			this.channel = channel;
			return this;
		}

		public Builder blockingTimeout(Duration blockingTimeout) {
			this.blockingTimeout = blockingTimeout;
			return this;
		}

		public Builder retryBackoff(RetryBackoff retryBackoff) {
			this.retryBackoff = retryBackoff;
			return this;
		}

		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		public Builder handleTimeout(Duration handleTimeout) {
			this.handleTimeout = handleTimeout;
			return this;
		}

		public Builder consumers(int consumers) {
			this.consumers = consumers;
			return this;
		}

		public Builder concurrency(int concurrency) {
			this.concurrency = concurrency;
			return this;
		}

		public Builder fetchBatchSize(int fetchBatchSize) {
			this.fetchBatchSize = fetchBatchSize;
			return this;
		}

		/**
		 * Most jobs reserved ahead of free handlers while the queue has a backlog.
		 * @param prefetch the number, or {@code null} for the default: the concurrency, or 0 on a queue with a
		 * rate limit or a sharded queue with a global concurrency (a job reserved ahead counts against them)
		 * @return this builder
		 */
		public Builder prefetch(Integer prefetch) {
			this.prefetch = prefetch;
			return this;
		}

		public Builder leaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
			return this;
		}

		public Builder maxStalls(int maxStalls) {
			this.maxStalls = maxStalls;
			return this;
		}

		public Builder stalledJobAction(StalledJobAction stalledJobAction) {
			this.stalledJobAction = stalledJobAction;
			return this;
		}

		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		public Builder maxPayloadSize(int maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
			return this;
		}

		public Builder failedRetention(Duration failedRetention) {
			this.failedRetention = failedRetention;
			return this;
		}

		public Builder failedMaxSize(long failedMaxSize) {
			this.failedMaxSize = failedMaxSize;
			return this;
		}

		public Builder replicas(int replicas) {
			this.replicas = replicas;
			return this;
		}

		public Builder replicaTimeout(Duration replicaTimeout) {
			this.replicaTimeout = replicaTimeout;
			return this;
		}

		/**
		 * The most jobs of the queue reserved at once across every instance.
		 * @param globalConcurrency the limit, or zero for none
		 * @return this builder
		 */
		public Builder globalConcurrency(int globalConcurrency) {
			this.globalConcurrency = globalConcurrency;
			return this;
		}

		/**
		 * The most job starts in any window of a period across every instance.
		 * @param rateLimit the limit, or {@code null} for none
		 * @return this builder
		 */
		public Builder rateLimit(RateLimit rateLimit) {
			this.rateLimit = rateLimit;
			return this;
		}

		/**
		 * How many jobs of one group may run at once across every instance.
		 * @param groupConcurrency at least 1
		 * @return this builder
		 */
		public Builder groupConcurrency(int groupConcurrency) {
			this.groupConcurrency = groupConcurrency;
			return this;
		}

		/**
		 * How many Redis Cluster hash slots the queue is spread over.
		 * @param shards 1 (the default) to 256
		 * @return this builder
		 */
		public Builder shards(int shards) {
			this.shards = shards;
			return this;
		}

		@SafeVarargs
		public final Builder nonRetryableExceptions(Class<? extends Throwable>... types) {
			this.nonRetryableExceptions.addAll(java.util.Arrays.asList(types));
			return this;
		}

		public Builder nonRetryableExceptions(Iterable<Class<? extends Throwable>> types) {
			types.forEach(this.nonRetryableExceptions::add);
			return this;
		}

		public QueueSettings build() {
			return new QueueSettings(this);
		}

	}

}
