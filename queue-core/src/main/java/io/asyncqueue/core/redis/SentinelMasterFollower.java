package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
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
 * <p>Sources, fastest first: the replica the leading Sentinel is promoting ({@code +failover-state-send-slaveof-noone}),
 * asked {@code ROLE} every few milliseconds until it answers as a master; that Sentinel's {@code +promoted-slave},
 * when its next {@code INFO} of the replica shows the promotion (up to a second later); each Sentinel's
 * {@code +switch-master} announcement, when the failover ends, most of a second later still, while the old master
 * takes writes that its demotion will wipe; and a periodic {@code SENTINEL MASTER} asked of one Sentinel in turn,
 * the safety net. A master named by a Sentinel is followed only when it carries a higher configuration epoch than
 * the master we are on, so a Sentinel that has not heard of the failover yet cannot send us back to the old
 * master. A replica seen promoted is followed at once, provisionally: held against Sentinels still naming the old
 * master until one names it, for at most the Sentinels' {@code failover-timeout}, after which (a failover aborted
 * after its promotion) the Sentinels' answer wins again; a {@code READONLY} answer from it ends that at once.
 */
final class SentinelMasterFollower implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SentinelMasterFollower.class);

	private static final String SWITCH_MASTER = "+switch-master";

	/** "slave &lt;ip&gt;:&lt;port&gt; &lt;ip&gt; &lt;port&gt; @ &lt;master-name&gt; &lt;master-ip&gt; &lt;master-port&gt;". */
	private static final String PROMOTED = "+promoted-slave";

	/** The leading Sentinel has sent {@code REPLICAOF NO ONE} to the replica it chose; same format. */
	private static final String PROMOTING = "+failover-state-send-slaveof-noone";


	/** How long the chosen replica is watched for its promotion, and how often it is asked. */
	private static final Duration PROMOTION_WATCH = Duration.ofSeconds(2);

	private static final long PROMOTION_POLL_MILLIS = 5;

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
	 * How long a promoted replica is followed before a Sentinel names it: the Sentinels' {@code failover-timeout}
	 * (read from {@code SENTINEL MASTER}, 3 minutes by default), past which a failover not done is aborted. They name
	 * it within a second or two of the promotion unless the failover fails.
	 */
	private volatile Duration provisionalFor = Duration.ofMinutes(3);

	private final AtomicBoolean roleRefusalLogged = new AtomicBoolean();

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
					else if (PROMOTED.equals(channel) || PROMOTING.equals(channel)) {
						promotedSoon(sentinel, message, PROMOTING.equals(channel));
					}
				}
			});
			connection.sync().subscribe(SWITCH_MASTER, PROMOTED, PROMOTING);
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

	/**
	 * A replica promoted ({@code +promoted-slave}), or chosen for the promotion
	 * ({@code +failover-state-send-slaveof-noone}, just before the leading Sentinel sends it {@code REPLICAOF NO ONE}):
	 * that Sentinel sees the promotion only at its next {@code INFO} of the replica, up to a second later, while the
	 * old master goes on taking writes that its demotion will wipe, so the replica is asked itself ({@code ROLE})
	 * every few milliseconds until it answers as a master. An ACL user that may not run {@code ROLE} (the README's
	 * least-privilege user: {@code ROLE} is in {@code @dangerous}) waits for the Sentinel's own event.
	 */
	private void promotedSoon(int sentinel, String message, boolean onlyBeingPromoted) {
		Master current = this.master;
		Master promoted = promotedReplica(message, this.masterName, current, this.provisionalFor);
		if (promoted == null) {
			return;
		}
		try {
			this.timer.execute(() -> {
				// once on it, a repeated event must not move again; a late event of an older failover must not move us
				if (this.master == current && (!onlyBeingPromoted || awaitMasterRole(promoted))) {
					move(sentinel, promoted, onlyBeingPromoted ? "promotes (the replica says ROLE master)" : "promoted");
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closed
		}
	}

	/**
	 * The replica an event names, as a provisional master, when the event is about the master we are on:
	 * "slave &lt;ip&gt;:&lt;port&gt; &lt;ip&gt; &lt;port&gt; @ &lt;master-name&gt; &lt;master-ip&gt; &lt;master-port&gt;".
	 * @return the replica, or {@code null} for an event about another master, or one we cannot read
	 */
	static Master promotedReplica(String message, String masterName, Master current, Duration provisionalFor) {
		String[] words = message.split(" ");
		if (words.length != 8 || !"slave".equals(words[0]) || !"@".equals(words[4]) || !masterName.equals(words[5])
				|| !current.host().equals(words[6]) || !Integer.toString(current.port()).equals(words[7])) {
			return null;
		}
		int port;
		try {
			port = Integer.parseInt(words[3]);
		}
		catch (NumberFormatException ex) {
			return null;
		}
		Master promoted = new Master(words[2], port, current.epoch(), true, System.nanoTime() + provisionalFor.toNanos());
		return promoted.sameAddress(current) ? null : promoted;
	}

	/**
	 * Whether {@code candidate} answers {@code ROLE} as a master within {@link #PROMOTION_WATCH}, every call bounded by
	 * what is left of it. The Sentinel sends {@code CLIENT KILL TYPE normal} with the promotion, which cuts this
	 * connection too: it is opened again.
	 */
	private boolean awaitMasterRole(Master candidate) {
		RedisURI uri = RedisURI.Builder.redis(candidate.host(), candidate.port())
			.withSsl(this.uri)
			.withAuthentication(this.uri)
			.withTimeout(SENTINEL_TIMEOUT)
			.build();
		long deadline = System.nanoTime() + PROMOTION_WATCH.toNanos();
		try {
			while (!this.closed && deadline - System.nanoTime() > 0) {
				CompletableFuture<StatefulRedisConnection<String, String>> connecting = this.client
					.connectAsync(StringCodec.UTF8, uri)
					.toCompletableFuture();
				StatefulRedisConnection<String, String> connection;
				try {
					connection = connecting.get(left(deadline), TimeUnit.NANOSECONDS);
				}
				catch (ExecutionException | TimeoutException ex) {
					// a connection that arrives after the deadline is closed when it does
					connecting.thenAccept(StatefulRedisConnection::closeAsync);
					Thread.sleep(PROMOTION_POLL_MILLIS);
					continue;
				}
				try {
					while (!this.closed && deadline - System.nanoTime() > 0) {
						List<Object> role = connection.async().role().toCompletableFuture().get(left(deadline),
								TimeUnit.NANOSECONDS);
						if (!role.isEmpty() && "master".equals(String.valueOf(role.get(0)))) {
							return true;
						}
						Thread.sleep(PROMOTION_POLL_MILLIS);
					}
				}
				catch (ExecutionException ex) {
					if (RedisFailures.permanentProblem(ex) != null) {
						if (this.roleRefusalLogged.compareAndSet(false, true)) {
							logger.info("Could not ask {}:{} for its role while the Sentinels promote it ({}): the "
									+ "connections move when the Sentinels report the promotion, up to a second later; "
									+ "grant the ACL user +role for the faster move", candidate.host(), candidate.port(),
									RedisFailures.unwrap(ex).getMessage());
						}
						return false;
					}
					// cut by the promotion's CLIENT KILL: open another
				}
				catch (TimeoutException ex) {
					return false;
				}
				finally {
					connection.closeAsync();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return false;
	}

	private static long left(long deadline) {
		return Math.max(1, deadline - System.nanoTime());
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
		if (named != null) {
			move(sentinel, named, "names");
		}
	}

	/** Follow {@code named} if its epoch is higher than the current master's; on the follower's thread. */
	private void move(int sentinel, Master named, String how) {
		if (this.closed) {
			return;
		}
		boolean switched;
		Master previous;
		this.lock.lock();
		try {
			previous = this.master;
			if (!follows(previous, named)) {
				return;
			}
			this.master = named;
			switched = !named.sameAddress(previous);
		}
		finally {
			this.lock.unlock();
		}
		if (switched && !this.closed) {
			logger.info("Sentinel {} {} {}:{} as master of '{}' (epoch {}); leaving {}:{}", this.sentinels.get(sentinel),
					how, named.host(), named.port(), this.masterName, named.epoch(), previous.host(), previous.port());
			try {
				this.onSwitch.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not move the connections to the new master of '{}' at {}:{}; trying again {}",
						this.masterName, named.host(), named.port(),
						named.provisional() ? "when the Sentinels name it" : "at the next check", ex);
				forget(named, previous);
			}
		}
	}

	/**
	 * Whether to leave {@code current} for {@code named}. A Sentinel's answer is followed when its epoch is higher, or
	 * when it confirms or (once expired) overrules a provisional master; a promotion we saw is followed when its
	 * replica is not the master we are on.
	 */
	static boolean follows(Master current, Master named) {
		if (named.provisional()) {
			return !named.sameAddress(current);
		}
		if (named.epoch() > current.epoch()) {
			return true;
		}
		// a Sentinel confirms the provisional master, or overrules it once expired (a failover aborted)
		return current.provisional() && named.epoch() >= current.epoch()
				&& (named.sameAddress(current) || System.nanoTime() - current.provisionalUntil() > 0);
	}

	/**
	 * The server we are on answered {@code READONLY}: a provisional master that did (a failover aborted after its
	 * promotion turns it back into a replica) gives way to the Sentinels' answer at once.
	 */
	void readOnlySeen() {
		this.lock.lock();
		try {
			Master current = this.master;
			if (!current.provisional()) {
				return;
			}
			this.master = new Master(current.host(), current.port(), current.epoch(), true, System.nanoTime() - 1);
		}
		finally {
			this.lock.unlock();
		}
		for (int i = 0; i < this.sentinels.size(); i++) {
			checkSoon(i);
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
			String failoverTimeout = fields.get("failover-timeout");
			if (failoverTimeout != null && failoverTimeout.matches("\\d{1,12}")) {
				this.provisionalFor = Duration.ofMillis(Long.parseLong(failoverTimeout));
			}
			return new Master(fields.get("ip"), Integer.parseInt(fields.get("port")),
					Long.parseLong(fields.getOrDefault("config-epoch", "0")), false, 0);
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

	/**
	 * A master, as a Sentinel names it, or provisional: a replica we saw promoted, followed before the Sentinels
	 * name it (with the epoch of the master it replaces) until {@code provisionalUntil} ({@link System#nanoTime()});
	 * past that, if no Sentinel named it (the failover was aborted), the Sentinels' answer wins again.
	 */
	record Master(String host, int port, long epoch, boolean provisional, long provisionalUntil) {

		boolean sameAddress(Master other) {
			return this.host.equals(other.host) && this.port == other.port;
		}

	}

}
