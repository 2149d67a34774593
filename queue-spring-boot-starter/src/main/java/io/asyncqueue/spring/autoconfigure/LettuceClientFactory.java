package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Sentinel;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Standalone;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.util.StringUtils;

/**
 * Builds the engine's own Lettuce client from Spring Boot's Redis settings ({@code spring.data.redis.*}
 * or a service connection): standalone, URL, Sentinel or Cluster, with credentials, ACL user, SSL
 * bundle, database, client name and timeouts. The client has the engine's options: it reconnects
 * automatically, rejects commands while disconnected (pushes fail at once instead of queueing up) and
 * times out every command except the consumers' blocking waits, which the engine bounds itself.
 */
final class LettuceClientFactory {

	enum Mode {

		STANDALONE, SENTINEL, CLUSTER

	}

	private final DataRedisProperties properties;

	private final Mode mode;

	private final List<RedisURI> uris;

	private final boolean ssl;

	private final @Nullable SslBundle sslBundle;

	private final Duration commandTimeout;

	private final @Nullable String username;

	private final AsyncQueueProperties.Cluster clusterRefresh;

	LettuceClientFactory(DataRedisConnectionDetails connectionDetails, DataRedisProperties properties) {
		this(connectionDetails, properties, new AsyncQueueProperties.Cluster());
	}

	/**
	 * A factory.
	 * @param connectionDetails where Redis is
	 * @param properties Spring Boot's Redis properties
	 * @param clusterRefresh the engine's cluster topology refresh settings
	 */
	LettuceClientFactory(DataRedisConnectionDetails connectionDetails, DataRedisProperties properties,
			AsyncQueueProperties.Cluster clusterRefresh) {
		// checked here, at startup: the cluster client is made only at the first connection to a cluster
		Duration period = clusterRefresh.getRefreshPeriod();
		if (period != null && period.isNegative()) {
			throw new AsyncQueueConfigurationException("async-queue.cluster.refresh-period",
					"async-queue.cluster.refresh-period must be zero (no periodic refresh) or positive, was " + period + ".",
					"Set async-queue.cluster.refresh-period to a duration such as 5s, or 0 for none.");
		}
		Duration timeout = clusterRefresh.getAdaptiveRefreshTimeout();
		if (clusterRefresh.isAdaptiveRefresh() && (timeout == null || timeout.isNegative() || timeout.isZero())) {
			throw new AsyncQueueConfigurationException("async-queue.cluster.adaptive-refresh-timeout",
					"async-queue.cluster.adaptive-refresh-timeout must be positive while adaptive-refresh is on, was "
							+ timeout + ".",
					"Set async-queue.cluster.adaptive-refresh-timeout to a duration such as 1s, or turn "
							+ "async-queue.cluster.adaptive-refresh off.");
		}
		this.clusterRefresh = clusterRefresh;
		this.properties = properties;
		this.sslBundle = connectionDetails.getSslBundle();
		this.username = connectionDetails.getUsername();
		String url = properties.getUrl();
		this.ssl = this.sslBundle != null || (StringUtils.hasText(url) && url.trim().startsWith("rediss:"));
		this.commandTimeout = (properties.getTimeout() != null) ? properties.getTimeout()
				: RedisConnector.DEFAULT_COMMAND_TIMEOUT;
		Sentinel sentinel = connectionDetails.getSentinel();
		DataRedisConnectionDetails.Cluster cluster = connectionDetails.getCluster();
		if (sentinel != null) {
			this.mode = Mode.SENTINEL;
			this.uris = List.of(sentinelUri(connectionDetails, sentinel));
		}
		else if (cluster != null) {
			this.mode = Mode.CLUSTER;
			this.uris = clusterUris(connectionDetails, cluster);
		}
		else if (connectionDetails.getMasterReplica() != null) {
			throw new AsyncQueueConfigurationException("spring.data.redis.masterreplica.nodes",
					"async-queue does not support a static master/replica Redis setup (spring.data.redis.masterreplica): "
							+ "every queue operation writes, so it must reach the master.",
					"Point async-queue at the master with spring.data.redis.host/port or url, or use Sentinel "
							+ "(spring.data.redis.sentinel.*) so that failovers are followed, or define your own "
							+ "io.asyncqueue.core.redis.RedisConnector bean.");
		}
		else {
			Standalone standalone = connectionDetails.getStandalone();
			if (standalone == null) {
				throw new AsyncQueueConfigurationException("spring.data.redis.host",
						"The Redis connection details name no server.",
						"Set spring.data.redis.host and port, or spring.data.redis.url.");
			}
			this.mode = Mode.STANDALONE;
			this.uris = List.of(standaloneUri(connectionDetails, standalone));
		}
	}

	Mode mode() {
		return this.mode;
	}

	List<RedisURI> uris() {
		return this.uris;
	}

	/** Where the client connects, credentials masked. */
	String description() {
		return this.uris.stream().map(RedisURI::toString).collect(Collectors.joining(", "));
	}

	/** The ACL user the client authenticates as, or {@code null} for the default user. */
	@Nullable String username() {
		return StringUtils.hasText(this.username) ? this.username : null;
	}

	Duration shutdownTimeout() {
		return this.properties.getLettuce().getShutdownTimeout();
	}

	AbstractRedisClient createClient(ClientResources resources, List<LettuceClientOptionsBuilderCustomizer> customizers) {
		ClientOptions options = clientOptions(customizers);
		if (this.mode == Mode.CLUSTER) {
			RedisClusterClient client = RedisClusterClient.create(resources, this.uris);
			client.setOptions((ClusterClientOptions) options);
			return client;
		}
		RedisClient client = RedisClient.create(resources, this.uris.get(0));
		client.setOptions(options);
		return client;
	}

	ClientOptions clientOptions(List<LettuceClientOptionsBuilderCustomizer> customizers) {
		ClientOptions.Builder builder = (this.mode == Mode.CLUSTER) ? clusterOptions() : ClientOptions.builder();
		builder.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(RedisConnector.timeoutOptions(this.commandTimeout));
		Duration connectTimeout = this.properties.getConnectTimeout();
		if (connectTimeout != null) {
			builder.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build());
		}
		if (this.sslBundle != null) {
			io.lettuce.core.SslOptions.Builder ssl = io.lettuce.core.SslOptions.builder()
				.keyManager(this.sslBundle.getManagers().getKeyManagerFactory())
				.trustManager(this.sslBundle.getManagers().getTrustManagerFactory());
			SslOptions options = this.sslBundle.getOptions();
			if (options.getCiphers() != null) {
				ssl.cipherSuites(options.getCiphers());
			}
			if (options.getEnabledProtocols() != null) {
				ssl.protocols(options.getEnabledProtocols());
			}
			builder.sslOptions(ssl.build());
		}
		for (LettuceClientOptionsBuilderCustomizer customizer : customizers) {
			customizer.customize(builder);
		}
		return builder.build();
	}

	/**
	 * Spring Boot's refresh period where it is set, the engine's faster topology refresh otherwise: Lettuce
	 * alone never refreshes, so a failed master's slots would stay routed to it.
	 */
	private ClientOptions.Builder clusterOptions() {
		DataRedisProperties.Lettuce.Cluster.Refresh refresh = this.properties.getLettuce().getCluster().getRefresh();
		Duration period = (refresh.getPeriod() != null) ? refresh.getPeriod() : this.clusterRefresh.getRefreshPeriod();
		ClusterTopologyRefreshOptions refreshOptions = RedisConnector
			.clusterTopologyRefresh(period, this.clusterRefresh.isAdaptiveRefresh(),
					this.clusterRefresh.getAdaptiveRefreshTimeout())
			.dynamicRefreshSources(refresh.isDynamicRefreshSources())
			.build();
		ClusterClientOptions.Builder builder = ClusterClientOptions.builder()
			.topologyRefreshOptions(refreshOptions)
			.nodeFilter(RedisConnector.liveClusterNodes());
		DataRedisProperties.Cluster cluster = this.properties.getCluster();
		if (cluster != null && cluster.getMaxRedirects() != null) {
			builder.maxRedirects(cluster.getMaxRedirects());
		}
		return builder;
	}

	private RedisURI standaloneUri(DataRedisConnectionDetails details, Standalone standalone) {
		RedisURI.Builder builder = RedisURI.builder()
			.withHost(standalone.getHost())
			.withPort(standalone.getPort())
			.withDatabase(standalone.getDatabase());
		return common(builder, details).build();
	}

	private RedisURI sentinelUri(DataRedisConnectionDetails details, Sentinel sentinel) {
		RedisURI.Builder builder = RedisURI.builder()
			.withSentinelMasterId(sentinel.getMaster())
			.withDatabase(sentinel.getDatabase());
		for (Node node : sentinel.getNodes()) {
			RedisURI.Builder sentinelNode = RedisURI.builder()
				.withHost(node.host())
				.withPort(node.port())
				.withSsl(this.ssl)
				.withTimeout(this.commandTimeout);
			credentials(sentinelNode, sentinel.getUsername(), sentinel.getPassword());
			builder.withSentinel(sentinelNode.build());
		}
		return common(builder, details).build();
	}

	private List<RedisURI> clusterUris(DataRedisConnectionDetails details, DataRedisConnectionDetails.Cluster cluster) {
		List<RedisURI> uris = new ArrayList<>();
		for (Node node : cluster.getNodes()) {
			uris.add(common(RedisURI.builder().withHost(node.host()).withPort(node.port()), details).build());
		}
		if (uris.isEmpty()) {
			throw new AsyncQueueConfigurationException("spring.data.redis.cluster.nodes",
					"spring.data.redis.cluster.nodes is empty.", "List at least one cluster node as host:port.");
		}
		return uris;
	}

	private RedisURI.Builder common(RedisURI.Builder builder, DataRedisConnectionDetails details) {
		builder.withSsl(this.ssl).withTimeout(this.commandTimeout);
		if (StringUtils.hasText(this.properties.getClientName())) {
			builder.withClientName(this.properties.getClientName());
		}
		return credentials(builder, details.getUsername(), details.getPassword());
	}

	private static RedisURI.Builder credentials(RedisURI.Builder builder, @Nullable String username,
			@Nullable String password) {
		if (password != null) {
			if (StringUtils.hasText(username)) {
				builder.withAuthentication(username, password);
			}
			else {
				builder.withPassword(password);
			}
		}
		return builder;
	}

}
