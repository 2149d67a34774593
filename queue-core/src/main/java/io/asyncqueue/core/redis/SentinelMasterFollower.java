package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.core.ThreadFactories;

/**
 * Knows which server the Sentinels name as master and tells the connector when that changes, so that
 * no connection stays on a demoted master. Lettuce itself looks the master up only when a connection is
 * (re)opened: after a planned failover the old master keeps answering, as a master, until the Sentinels
 * demote it seconds later, and what was written to it in between is wiped by the resync.
 *
 * <p>Two sources, the first fast and the second a safety net: each Sentinel's {@code +switch-master}
 * announcement (pub/sub), and a periodic {@code SENTINEL MASTER} asked of one Sentinel in turn. Either
 * one is followed only when it carries a higher configuration epoch than the master we are on, so a
 * Sentinel that has not heard of the failover yet cannot send us back to the old master.
 */
final class SentinelMasterFollower implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SentinelMasterFollower.class);

	private static final String SWITCH_MASTER = "+switch-master";

	private static final Duration SENTINEL_TIMEOUT = Duration.ofSeconds(2);

	private final RedisClient client;

	private final RedisURI uri;

	private final String masterName;

	private final List<RedisURI> sentinels;

	private final List<StatefulRedisSentinelConnection<String, String>> queries;

	private final List<StatefulRedisPubSubConnection<String, String>> announcements;

	private final ScheduledExecutorService timer;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile Master master;

	private Runnable onSwitch = () -> {
	};

	private int next;

	private volatile boolean closed;

	/**
	 * Asks the Sentinels for the master before returning.
	 * @throws QueueException when no Sentinel names the master
	 */
	SentinelMasterFollower(RedisClient client, RedisURI uri) {
		this.client = client;
		this.uri = uri;
		this.masterName = uri.getSentinelMasterId();
		this.sentinels = List.copyOf(uri.getSentinels());
		this.queries = new ArrayList<>();
		this.announcements = new ArrayList<>();
		for (int i = 0; i < this.sentinels.size(); i++) {
			this.queries.add(null);
			this.announcements.add(null);
		}
		this.timer = Executors.newSingleThreadScheduledExecutor(ThreadFactories.platform("async-queue-sentinel-"));
		Master found = null;
		for (int i = 0; i < this.sentinels.size(); i++) {
			Master named = ask(i);
			if (named != null && (found == null || named.epoch() > found.epoch())) {
				found = named;
			}
		}
		if (found == null) {
			close();
			throw new QueueException("No Sentinel of " + this.sentinels + " names a master called '" + this.masterName
					+ "': check the Sentinel addresses and the master name");
		}
		this.master = found;
	}

	/**
	 * Start following: subscribe to the Sentinels' announcements and check one Sentinel every interval.
	 * @param onSwitch run (on the follower's thread) after the master changed
	 * @param checkInterval how often the safety-net check runs
	 */
	void follow(Runnable onSwitch, Duration checkInterval) {
		this.onSwitch = onSwitch;
		for (int i = 0; i < this.sentinels.size(); i++) {
			subscribe(i);
		}
		long millis = Math.max(1, checkInterval.toMillis());
		this.timer.scheduleWithFixedDelay(this::checkNextSentinel, millis, millis, TimeUnit.MILLISECONDS);
	}

	/** The current master's address, with the credentials, TLS, database and client name of the Sentinel URI. */
	RedisURI masterUri() {
		Master current = this.master;
		RedisURI.Builder builder = RedisURI.Builder.redis(current.host(), current.port())
			.withSsl(this.uri)
			.withAuthentication(this.uri)
			.withDatabase(this.uri.getDatabase())
			.withTimeout(this.uri.getTimeout());
		if (this.uri.getClientName() != null) {
			builder.withClientName(this.uri.getClientName());
		}
		return builder.build();
	}

	private void subscribe(int sentinel) {
		try {
			StatefulRedisPubSubConnection<String, String> connection = this.client.connectPubSub(StringCodec.UTF8,
					this.sentinels.get(sentinel));
			connection.addListener(new RedisPubSubAdapter<>() {
				@Override
				public void message(String channel, String message) {
					if (SWITCH_MASTER.equals(channel) && message.startsWith(SentinelMasterFollower.this.masterName + " ")) {
						checkSoon(sentinel);
					}
				}
			});
			connection.sync().subscribe(SWITCH_MASTER);
			this.announcements.set(sentinel, connection);
		}
		catch (RuntimeException ex) {
			// the periodic check covers this Sentinel meanwhile and subscribes again
			logger.debug("Could not subscribe to {} on Sentinel {}: {}", SWITCH_MASTER, this.sentinels.get(sentinel),
					ex.toString());
		}
	}

	private void checkSoon(int sentinel) {
		try {
			this.timer.execute(() -> check(sentinel));
		}
		catch (RejectedExecutionException ex) {
			// closed
		}
	}

	private void checkNextSentinel() {
		int sentinel = this.next;
		this.next = (sentinel + 1) % this.sentinels.size();
		if (this.announcements.get(sentinel) == null && !this.closed) {
			subscribe(sentinel);
		}
		check(sentinel);
	}

	private void check(int sentinel) {
		if (this.closed) {
			return;
		}
		Master named = ask(sentinel);
		if (named == null) {
			return;
		}
		boolean switched;
		Master previous;
		this.lock.lock();
		try {
			previous = this.master;
			if (named.epoch() <= previous.epoch()) {
				return;
			}
			this.master = named;
			switched = !named.sameAddress(previous);
		}
		finally {
			this.lock.unlock();
		}
		if (switched && !this.closed) {
			logger.info("Sentinel {} names {}:{} as master of '{}' (epoch {}); leaving {}:{}", this.sentinels.get(sentinel),
					named.host(), named.port(), this.masterName, named.epoch(), previous.host(), previous.port());
			try {
				this.onSwitch.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not move the connections to the new master of '{}' at {}:{}; trying again at the next "
						+ "check", this.masterName, named.host(), named.port(), ex);
				forget(named, previous);
			}
		}
	}

	private void forget(Master failed, Master previous) {
		this.lock.lock();
		try {
			if (this.master == failed) {
				this.master = previous;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** What one Sentinel says, or null when it cannot be reached or names no master in a usable state. */
	private Master ask(int sentinel) {
		try {
			StatefulRedisSentinelConnection<String, String> connection = this.queries.get(sentinel);
			if (connection == null || !connection.isOpen()) {
				connection = this.client.connectSentinel(StringCodec.UTF8, this.sentinels.get(sentinel));
				connection.setTimeout(SENTINEL_TIMEOUT);
				this.queries.set(sentinel, connection);
			}
			Map<String, String> fields = connection.sync().master(this.masterName);
			String flags = fields.getOrDefault("flags", "");
			if (flags.contains("failover_in_progress") || fields.get("ip") == null) {
				return null;
			}
			return new Master(fields.get("ip"), Integer.parseInt(fields.get("port")),
					Long.parseLong(fields.getOrDefault("config-epoch", "0")));
		}
		catch (RuntimeException ex) {
			logger.debug("Sentinel {} did not answer SENTINEL MASTER {}: {}", this.sentinels.get(sentinel), this.masterName,
					ex.toString());
			return null;
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.timer.shutdownNow();
		this.announcements.stream().filter((c) -> c != null).forEach(StatefulRedisPubSubConnection::closeAsync);
		this.queries.stream().filter((c) -> c != null).forEach(StatefulRedisSentinelConnection::closeAsync);
	}

	private record Master(String host, int port, long epoch) {

		boolean sameAddress(Master other) {
			return this.host.equals(other.host) && this.port == other.port;
		}

	}

}
