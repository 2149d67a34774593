package io.asyncqueue.core.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's access to Redis: one shared, multiplexed connection for every non-blocking command
 * (Lettuce pipelines concurrent commands on it), and a dedicated connection per consumer for the
 * blocking wait. Works with a standalone or Sentinel {@link RedisClient} and with a
 * {@link RedisClusterClient}. Built from a Sentinel URI, it follows the master: when the Sentinels name
 * another one, every connection moves to it.
 *
 * <p>When Redis answers {@code READONLY} (the server behind the address became a replica in a failover
 * that Sentinel did not announce), the shared connection is replaced by a new one, at most once per
 * {@link #READ_ONLY_RECONNECT_INTERVAL}, so that consumption and pushes resume on the new master.
 *
 * @since 0.1.0
 */
public abstract class RedisConnector implements AutoCloseable {

	/**
	 * Least time between two new connections made because Redis answered {@code READONLY}: a replica
	 * that stays behind the address answers every write that way.
	 */
	public static final Duration READ_ONLY_RECONNECT_INTERVAL = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(RedisConnector.class);

	/** The command timeout of clients this class creates itself. */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SENTINEL_CHECK_INTERVAL = Duration.ofSeconds(1);

	/**
	 * A connector over a client the caller owns (and shuts down).
	 * @param client a standalone or Sentinel client
	 * @return the connector
	 */
	public static RedisConnector of(RedisClient client) {
		return standalone(client, () -> {
		}, null);
	}

	/**
	 * A connector over a client the caller owns, created from {@code uri}. With a Sentinel URI
	 * ({@code redis-sentinel://}) it connects to the master the Sentinels name and moves every connection,
	 * blocking ones included, to the new master as soon as they announce a failover ({@code +switch-master},
	 * with a check of one Sentinel every second as a safety net). Without one it is {@link #of(RedisClient)}.
	 * @param client a standalone or Sentinel client
	 * @param uri the URI the client was created with
	 * @return the connector
	 * @since 0.2.0
	 */
	public static RedisConnector of(RedisClient client, RedisURI uri) {
		return of(client, uri, () -> {
		});
	}

	private static RedisConnector of(RedisClient client, RedisURI uri, Runnable shutdown) {
		if (uri.getSentinels().isEmpty()) {
			return standalone(client, shutdown, direct(client, uri, () -> uri));
		}
		SentinelMasterFollower follower = new SentinelMasterFollower(client, uri);
		LettuceConnector<StatefulRedisConnection<String, String>> connector = new LettuceConnector<>(
				() -> client.connect(ExactUtf8Codec.INSTANCE, follower.masterUri()), StatefulRedisConnection::async, () -> {
					follower.close();
					shutdown.run();
				}, client, direct(client, uri, follower::masterUri));
		connector.onReadOnly(follower::readOnlySeen);
		follower.follow(connector::reconnect, SENTINEL_CHECK_INTERVAL);
		return connector;
	}

	/**
	 * The direct connection for a client made from {@code uri}, with the client's connect and command timeouts;
	 * none when its commands never time out (a direct call would then have to wait for ever, as Lettuce's does).
	 */
	private static DirectConnection direct(RedisClient client, RedisURI uri, Supplier<RedisURI> target) {
		ClientOptions options = client.getOptions();
		TimeoutOptions timeouts = options.getTimeoutOptions();
		if (!timeouts.isTimeoutCommands() || timeouts.getSource() == null) {
			return null;
		}
		TimeoutOptions.TimeoutSource source = timeouts.getSource();
		Duration commandTimeout = DirectConnection.commandTimeout(
				source.getTimeout(new Command<>(CommandType.EVALSHA, null)), source.getTimeUnit(), uri);
		return DirectConnection.forUri(uri, target, options.getSocketOptions().getConnectTimeout(), commandTimeout);
	}

	/**
	 * Default interval of the cluster topology's periodic refresh: the safety net behind the adaptive
	 * refresh, which usually finds a promoted replica within about a second.
	 */
	public static final Duration DEFAULT_CLUSTER_REFRESH_PERIOD = Duration.ofSeconds(5);

	/**
	 * Default least time between two adaptive topology refreshes. Lettuce's own is 5 s: after a refresh made
	 * while the failed master was not replaced yet, the promotion would go unseen that long.
	 */
	public static final Duration DEFAULT_CLUSTER_ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * A connector that creates and owns a Redis Cluster client, with the engine's client options
	 * ({@link #defaultClusterClientOptions()}).
	 * @param uris {@code redis://} or {@code rediss://} URIs of one or more of the cluster's nodes
	 * @return the connector
	 * @since 0.2.0
	 */
	public static RedisConnector createCluster(List<String> uris) {
		ClientResources resources = defaultClientResources();
		RedisClusterClient client = RedisClusterClient.create(resources,
				uris.stream().map(RedisURI::create).toList());
		client.setOptions(defaultClusterClientOptions());
		return cluster(client, () -> {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			resources.shutdown(0, 2, TimeUnit.SECONDS);
		});
	}

	/**
	 * The cluster client options the engine recommends: those of {@link #defaultClientOptions()}, the topology
	 * refresh of {@link #clusterTopologyRefresh(Duration, boolean, Duration)} with the defaults, and
	 * {@link #liveClusterNodes()} as node filter.
	 * @return the options
	 * @since 0.2.0
	 */
	public static ClusterClientOptions defaultClusterClientOptions() {
		return ClusterClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(timeoutOptions(DEFAULT_COMMAND_TIMEOUT))
			.topologyRefreshOptions(clusterTopologyRefresh(DEFAULT_CLUSTER_REFRESH_PERIOD, true,
					DEFAULT_CLUSTER_ADAPTIVE_REFRESH_TIMEOUT).build())
			.nodeFilter(liveClusterNodes())
			.build();
	}

	/**
	 * How a cluster client keeps its view of which master serves which slot. Adaptive refresh reacts to MOVED
	 * and ASK redirects, persistent reconnects, unknown nodes and uncovered slots (a failover shows as all of
	 * them), at most once per {@code adaptiveTimeout} (Lettuce's own 5 s leaves a queue stalled that long when
	 * the first refresh came before the promotion); the periodic refresh (off in Lettuce) catches what they
	 * miss. Topology views are read from every known node ({@code dynamicRefreshSources}).
	 * @param period the periodic refresh interval, or {@code null} or zero for none
	 * @param adaptive whether to refresh on the adaptive triggers
	 * @param adaptiveTimeout the least time between two adaptive refreshes
	 * @return a builder of the options, for further changes
	 * @since 0.2.0
	 */
	public static ClusterTopologyRefreshOptions.Builder clusterTopologyRefresh(Duration period, boolean adaptive,
			Duration adaptiveTimeout) {
		ClusterTopologyRefreshOptions.Builder builder = ClusterTopologyRefreshOptions.builder()
			.dynamicRefreshSources(true);
		if (period != null && !period.isZero()) {
			builder.enablePeriodicRefresh(period);
		}
		if (adaptive) {
			builder.enableAllAdaptiveRefreshTriggers().adaptiveRefreshTriggersTimeout(adaptiveTimeout);
		}
		else {
			builder.disableAllAdaptiveRefreshTriggers();
		}
		return builder;
	}

	/**
	 * Leaves nodes the cluster itself marks as failed ({@code fail}, {@code fail?}) or without an address out of
	 * the client's topology, so that the client neither routes to them nor reconnects to them (and logs a
	 * warning) every few seconds until they return.
	 * @return the node filter
	 * @since 0.2.0
	 */
	public static Predicate<RedisClusterNode> liveClusterNodes() {
		return (node) -> !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
				&& !node.is(RedisClusterNode.NodeFlag.NOADDR);
	}

	/**
	 * A connector over a cluster client the caller owns.
	 * @param client the cluster client
	 * @return the connector
	 */
	public static RedisConnector of(RedisClusterClient client) {
		return cluster(client, () -> {
		});
	}

	private static RedisConnector cluster(RedisClusterClient client, Runnable shutdown) {
		// a cluster client follows failovers itself (MOVED, topology refresh): no READONLY handling
		return new LettuceConnector<StatefulRedisClusterConnection<String, String>>(
				() -> client.connect(ExactUtf8Codec.INSTANCE), StatefulRedisClusterConnection::async, shutdown, null,
				null);
	}

	/**
	 * A connector that creates and owns its client, configured so that commands fail fast while
	 * Redis is unreachable rather than queueing up (pushes fail loudly during an outage).
	 * @param uri a {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URI
	 * @return the connector
	 */
	public static RedisConnector create(String uri) {
		return create(uri, null);
	}

	/**
	 * {@link #create(String)} with TLS settings: the CA to trust and a client certificate for mutual TLS.
	 * @param uri a {@code rediss://} URI (or {@code redis-sentinel://} with TLS)
	 * @param ssl the TLS settings, or {@code null} for Lettuce's defaults (the JDK's trusted CAs, no client
	 * certificate)
	 * @return the connector
	 * @since 0.2.0
	 */
	public static RedisConnector create(String uri, SslOptions ssl) {
		ClientResources resources = defaultClientResources();
		RedisURI redisUri = RedisURI.create(uri);
		RedisClient client = RedisClient.create(resources, redisUri);
		client.setOptions((ssl != null) ? defaultClientOptions().mutate().sslOptions(ssl).build() : defaultClientOptions());
		return of(client, redisUri, () -> {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			resources.shutdown(0, 2, TimeUnit.SECONDS);
		});
	}

	private static RedisConnector standalone(RedisClient client, Runnable shutdown, DirectConnection direct) {
		return new LettuceConnector<StatefulRedisConnection<String, String>>(() -> client.connect(ExactUtf8Codec.INSTANCE),
				StatefulRedisConnection::async, shutdown, client, direct);
	}

	/**
	 * Client resources that reconnect quickly after an outage: Lettuce's default backs off to 30 s
	 * between attempts, which would leave consumers idle long after Redis is back.
	 * @return new resources; the caller shuts them down
	 */
	public static ClientResources defaultClientResources() {
		return DefaultClientResources.builder()
			.reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.build();
	}

	/**
	 * The client options the engine recommends: reconnect automatically, reject commands while
	 * disconnected, time out commands after {@link #DEFAULT_COMMAND_TIMEOUT}.
	 * @return the options
	 */
	public static ClientOptions defaultClientOptions() {
		return ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(timeoutOptions(DEFAULT_COMMAND_TIMEOUT))
			.build();
	}

	/**
	 * Time out every command after {@code timeout} except the consumers' blocking wait, which already
	 * carries its own timeout (a blocking timeout longer than the command timeout would otherwise fail
	 * every idle wait).
	 * @param timeout the command timeout
	 * @return the options
	 */
	public static TimeoutOptions timeoutOptions(Duration timeout) {
		return TimeoutOptions.builder().timeoutCommands().timeoutSource(new ExemptBlockingWait(timeout)).build();
	}

	/** The shared connection's commands. */
	public abstract RedisClusterAsyncCommands<String, String> commands();

	/**
	 * The connection a caller that waits for its own call may use on its own thread, or {@code null} when there is
	 * none (a Redis Cluster, TLS, a client given without its URI). It takes a call only when it can make it at once.
	 * @return the direct connection, or {@code null}
	 * @since 0.3.0
	 */
	public DirectConnection direct() {
		return null;
	}

	/**
	 * Open a connection for one consumer's blocking waits.
	 * @return the connection; the caller closes it
	 */
	public abstract BlockingConnection openBlockingConnection();

	@Override
	public abstract void close();

	/**
	 * One implementation for both client kinds: they differ only in how a connection is opened and how
	 * its asynchronous commands are reached.
	 */
	private static final class LettuceConnector<C extends StatefulConnection<String, String>> extends RedisConnector {

		private final Supplier<C> connect;

		private final Function<C, RedisClusterAsyncCommands<String, String>> commands;

		private final Runnable shutdown;

		private final Set<BlockingConnection> blocking = ConcurrentHashMap.newKeySet();

		private final ReentrantLock replacing = new ReentrantLock();

		/** The client whose commands are watched for READONLY, or {@code null} (cluster). */
		private final AbstractRedisClient readOnlyWatch;

		private final CommandListener readOnlyListener = new CommandListener() {
			@Override
			public void commandFailed(CommandFailedEvent event) {
				// on the I/O thread: only note it, the next caller reconnects
				if (RedisFailures.readOnly(String.valueOf(event.getCause().getMessage()))) {
					LettuceConnector.this.readOnlySeen = true;
				}
			}
		};

		private volatile C shared;

		private volatile boolean readOnlySeen;

		private long lastReplaced = System.nanoTime() - READ_ONLY_RECONNECT_INTERVAL.toNanos();

		/** The direct connection, or {@code null}. */
		private final DirectConnection direct;

		/** Told before a connection is replaced because Redis answered {@code READONLY}. */
		private volatile Runnable onReadOnly = () -> {
		};

		LettuceConnector(Supplier<C> connect, Function<C, RedisClusterAsyncCommands<String, String>> commands,
				Runnable shutdown, AbstractRedisClient readOnlyWatch, DirectConnection direct) {
			this.direct = direct;
			this.connect = connect;
			this.commands = commands;
			this.shutdown = shutdown;
			this.readOnlyWatch = readOnlyWatch;
			// before the first connect: a client wraps only the connections made after a listener is added
			if (readOnlyWatch != null) {
				readOnlyWatch.addListener(this.readOnlyListener);
			}
			try {
				this.shared = connect.get();
			}
			catch (RuntimeException ex) {
				unwatch();
				throw ex;
			}
		}

		private void unwatch() {
			if (this.readOnlyWatch != null) {
				this.readOnlyWatch.removeListener(this.readOnlyListener);
			}
		}

		void onReadOnly(Runnable action) {
			this.onReadOnly = action;
		}

		@Override
		public DirectConnection direct() {
			if (this.readOnlySeen) {
				replaceReadOnlyConnection();
			}
			// while Lettuce knows Redis is gone, a call goes its way, which refuses it unsent; a direct call would
			// only find out after writing it, and could not tell whether Redis ran it
			return this.shared.isOpen() ? this.direct : null;
		}

		@Override
		public RedisClusterAsyncCommands<String, String> commands() {
			if (this.readOnlySeen) {
				replaceReadOnlyConnection();
			}
			return this.commands.apply(this.shared);
		}

		/**
		 * The server this connection reached has become a replica (a failover Sentinel did not announce:
		 * REPLICAOF, an endpoint or DNS switch), and Lettuce never reconnects on its own: every write
		 * would fail with READONLY until a restart. A fresh connection resolves the address again.
		 */
		private void replaceReadOnlyConnection() {
			if (!this.replacing.tryLock()) {
				return;
			}
			try {
				long now = System.nanoTime();
				if (!this.readOnlySeen || now - this.lastReplaced < READ_ONLY_RECONNECT_INTERVAL.toNanos()) {
					return;
				}
				this.lastReplaced = now;
				this.readOnlySeen = false;
				this.onReadOnly.run();
				C fresh;
				try {
					fresh = this.connect.get();
				}
				catch (RuntimeException ex) {
					logger.warn("Redis answered READONLY (the server is now a replica) and a new connection failed: {}; "
							+ "trying again within {}", ex.getMessage(), READ_ONLY_RECONNECT_INTERVAL);
					this.readOnlySeen = true;
					return;
				}
				C old = this.shared;
				this.shared = fresh;
				old.closeAsync();
				resetDirect();
				// consumers blocked on the old server open theirs again, on the new one
				this.blocking.forEach(BlockingConnection::close);
				this.blocking.clear();
				logger.warn("Redis answered READONLY (the server is now a replica, after a failover not announced by "
						+ "Sentinel): reconnected, so that the address is resolved again");
			}
			finally {
				this.replacing.unlock();
			}
		}

		@Override
		public BlockingConnection openBlockingConnection() {
			C connection = this.connect.get();
			BlockingConnection opened = new BlockingConnection(connection, this.commands.apply(connection));
			this.blocking.removeIf((open) -> !open.isOpen());
			this.blocking.add(opened);
			return opened;
		}

		/**
		 * Move to where {@link #connect} now leads (the new master): new calls go to a new shared connection,
		 * the old one is closed, and so is every blocking connection, which its consumer opens again.
		 */
		void reconnect() {
			C previous = this.shared;
			this.shared = this.connect.get();
			previous.closeAsync();
			resetDirect();
			this.blocking.forEach(BlockingConnection::close);
			this.blocking.clear();
		}

		private void resetDirect() {
			if (this.direct != null) {
				this.direct.reset();
			}
		}

		@Override
		public void close() {
			unwatch();
			if (this.direct != null) {
				this.direct.close();
			}
			this.shared.close();
			this.blocking.forEach(BlockingConnection::close);
			this.shutdown.run();
		}

	}

	private static final class ExemptBlockingWait extends TimeoutOptions.TimeoutSource {

		private final long timeoutMillis;

		ExemptBlockingWait(Duration timeout) {
			this.timeoutMillis = timeout.toMillis();
		}

		@Override
		public long getTimeout(RedisCommand<?, ?, ?> command) {
			return (command.getType() == CommandType.BZPOPMIN) ? 0 : this.timeoutMillis;
		}

		@Override
		public TimeUnit getTimeUnit() {
			return TimeUnit.MILLISECONDS;
		}

	}

}
