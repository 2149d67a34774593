package io.asyncqueue.core.monitor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import io.asyncqueue.core.ThreadFactories;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.redis.RedisFailures;

/**
 * Keeps one consuming instance visible to dashboards: every interval it writes its host, pid, queues,
 * concurrency, running jobs and start time to a key that expires after three intervals, so an instance that
 * dies disappears on its own; a clean stop deletes the key at once.
 *
 * <p>Keys, in one Redis Cluster slot so that a reader fetches them in one {@code MGET}, and inside the
 * <code>~{async-queue:*</code> pattern of the least-privilege ACL: the instance's
 * {@code {async-queue:instances}:<id>} (a JSON string) and the index {@code {async-queue:instances}} (a sorted
 * set of ids scored by when their key expires), which each beat trims of instances long gone. A beat costs
 * three commands, sent without waiting; a beat that fails is logged and the next one tries again.
 *
 * @since 0.2.0
 */
public final class InstanceHeartbeat implements AutoCloseable {

	/** The default time between two beats. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

	static final String INDEX = "{async-queue:instances}";

	private static final Logger logger = LoggerFactory.getLogger(InstanceHeartbeat.class);

	static final JsonMapper json = JsonMapper.builder().build();

	private final RedisConnector redis;

	private final Supplier<List<InstanceInfo.QueueLoad>> load;

	private final Duration interval;

	private final String id;

	private final String host = hostName();

	private final long pid = ProcessHandle.current().pid();

	private final ReentrantLock lifecycle = new ReentrantLock();

	private ScheduledExecutorService timer;

	private Instant startedAt;

	/** Why the last beat failed, so that a lasting problem is logged once. */
	private String problem;

	/**
	 * A heartbeat.
	 * @param redis the connector
	 * @param load what the instance consumes and runs now, asked at every beat
	 * @param interval the time between two beats
	 */
	public InstanceHeartbeat(RedisConnector redis, Supplier<List<InstanceInfo.QueueLoad>> load, Duration interval) {
		if (interval.toMillis() < 1) {
			throw new IllegalArgumentException("The heartbeat interval must be at least 1ms, not " + interval);
		}
		this.redis = redis;
		this.load = load;
		this.interval = interval;
		this.id = this.host + "-" + this.pid + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** The instance's id, unique per heartbeat. */
	public String id() {
		return this.id;
	}

	/** Beat now, then every interval until {@link #close()}. */
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.timer != null) {
				return;
			}
			this.startedAt = Instant.now();
			this.timer = Executors.newSingleThreadScheduledExecutor(ThreadFactories.platform("async-queue-heartbeat-"));
			this.timer.scheduleWithFixedDelay(this::beat, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/** Stop beating and delete the instance's key, so that it disappears at once. */
	@Override
	public void close() {
		this.lifecycle.lock();
		try {
			if (this.timer == null) {
				return;
			}
			this.timer.shutdownNow();
			this.timer.awaitTermination(this.interval.toMillis(), TimeUnit.MILLISECONDS);
			this.timer = null;
			// briefly: a stop must not wait on an unreachable Redis, and the key expires on its own anyway
			this.redis.commands().del(key(this.id)).toCompletableFuture().get(500, TimeUnit.MILLISECONDS);
			this.redis.commands().zrem(INDEX, this.id);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.debug("Could not delete the heartbeat of {}; it expires on its own", this.id, ex);
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	private void beat() {
		try {
			long ttl = 3 * this.interval.toMillis();
			Instant now = Instant.now();
			InstanceInfo info = new InstanceInfo(this.id, this.host, this.pid, this.startedAt, now, this.load.get());
			var commands = this.redis.commands();
			var written = commands.set(key(this.id), json.writeValueAsString(info), SetArgs.Builder.px(ttl));
			commands.zadd(INDEX, now.toEpochMilli() + ttl, this.id);
			commands.zremrangebyscore(INDEX, io.lettuce.core.Range.create(0, now.toEpochMilli() - ttl));
			// waited for, so that a refusal (an ACL without SET, a key pattern without the instances' keys) is seen
			written.toCompletableFuture().get(this.interval.toMillis(), TimeUnit.MILLISECONDS);
			if (this.problem != null) {
				logger.info("The heartbeat of {} is written again", this.id);
				this.problem = null;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			String problem = RedisFailures.unwrap(ex).toString();
			if (!problem.equals(this.problem)) {
				// once per problem: a beat every few seconds would repeat it for ever
				logger.warn("Could not write the heartbeat of {} (the dashboard does not list this instance): {}",
						this.id, problem);
				this.problem = problem;
			}
		}
	}

	static String key(String id) {
		return INDEX + ":" + id;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown";
		}
	}

}
