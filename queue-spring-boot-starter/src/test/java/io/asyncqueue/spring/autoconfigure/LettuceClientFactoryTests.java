package io.asyncqueue.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.spring.AsyncQueueConfigurationException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LettuceClientFactory}: the engine's client is built from the same
 * {@code spring.data.redis.*} settings as Spring Data Redis.
 */
class LettuceClientFactoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));

	@Test
	void standaloneFromHostPortAndAclUser() {
		factory((factory) -> {
			assertThat(factory.mode()).isEqualTo(LettuceClientFactory.Mode.STANDALONE);
			RedisURI uri = factory.uris().get(0);
			assertThat(uri.getHost()).isEqualTo("redis.example");
			assertThat(uri.getPort()).isEqualTo(6380);
			assertThat(uri.getDatabase()).isEqualTo(2);
			assertThat(credentials(uri).getUsername()).isEqualTo("app");
			assertThat(credentials(uri).getPassword()).isEqualTo("secret".toCharArray());
			assertThat(uri.isSsl()).isFalse();
			assertThat(uri.getClientName()).isEqualTo("orders-service");
			assertThat(uri.getTimeout()).isEqualTo(RedisConnector.DEFAULT_COMMAND_TIMEOUT);
			assertThat(factory.description()).doesNotContain("secret");
		}, "spring.data.redis.host=redis.example", "spring.data.redis.port=6380", "spring.data.redis.database=2",
				"spring.data.redis.username=app", "spring.data.redis.password=secret",
				"spring.data.redis.client-name=orders-service");
	}

	@Test
	void standaloneFromSslUrl() {
		factory((factory) -> {
			RedisURI uri = factory.uris().get(0);
			assertThat(uri.getHost()).isEqualTo("redis.example");
			assertThat(uri.getPort()).isEqualTo(6390);
			assertThat(uri.getDatabase()).isEqualTo(3);
			assertThat(credentials(uri).getUsername()).isEqualTo("user");
			assertThat(credentials(uri).getPassword()).isEqualTo("pw".toCharArray());
			assertThat(uri.isSsl()).isTrue();
		}, "spring.data.redis.url=rediss://user:pw@redis.example:6390/3");
	}

	@Test
	void sslFromProperty() {
		factory((factory) -> {
			assertThat(factory.uris().get(0).isSsl()).isTrue();
			assertThat(factory.clientOptions(List.of()).getSslOptions()).isNotNull();
		}, "spring.data.redis.ssl.enabled=true");
	}

	@Test
	void sentinel() {
		factory((factory) -> {
			assertThat(factory.mode()).isEqualTo(LettuceClientFactory.Mode.SENTINEL);
			RedisURI uri = factory.uris().get(0);
			assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
			assertThat(uri.getDatabase()).isEqualTo(1);
			assertThat(credentials(uri).getPassword()).isEqualTo("data-pw".toCharArray());
			assertThat(uri.getSentinels()).extracting(RedisURI::getHost, RedisURI::getPort)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("s1", 26379),
						org.assertj.core.groups.Tuple.tuple("s2", 26380));
			assertThat(uri.getSentinels()).allSatisfy((sentinel) -> {
				assertThat(credentials(sentinel).getUsername()).isEqualTo("sentinel-user");
				assertThat(credentials(sentinel).getPassword()).isEqualTo("sentinel-pw".toCharArray());
			});
		}, "spring.data.redis.sentinel.master=mymaster", "spring.data.redis.sentinel.nodes=s1:26379,s2:26380",
				"spring.data.redis.sentinel.username=sentinel-user", "spring.data.redis.sentinel.password=sentinel-pw",
				"spring.data.redis.password=data-pw", "spring.data.redis.database=1");
	}

	@Test
	void cluster() {
		factory((factory) -> {
			assertThat(factory.mode()).isEqualTo(LettuceClientFactory.Mode.CLUSTER);
			assertThat(factory.uris()).extracting(RedisURI::getHost).containsExactly("c1", "c2");
			assertThat(factory.uris()).allSatisfy((uri) -> assertThat(credentials(uri).getPassword()).isEqualTo("pw".toCharArray()));
			ClientOptions options = factory.clientOptions(List.of());
			assertThat(options).isInstanceOf(ClusterClientOptions.class);
			ClusterClientOptions clusterOptions = (ClusterClientOptions) options;
			assertThat(clusterOptions.getMaxRedirects()).isEqualTo(7);
			assertThat(clusterOptions.getTopologyRefreshOptions().getRefreshPeriod()).isEqualTo(Duration.ofSeconds(15));
			assertThat(clusterOptions.getTopologyRefreshOptions().isPeriodicRefreshEnabled()).isTrue();
		}, "spring.data.redis.cluster.nodes=c1:7000,c2:7001", "spring.data.redis.cluster.max-redirects=7",
				"spring.data.redis.password=pw", "spring.data.redis.lettuce.cluster.refresh.period=15s");
	}

	@Test
	void clusterFollowsFailoversWithinAboutASecondByDefault() {
		factory((factory) -> {
			ClusterClientOptions options = (ClusterClientOptions) factory.clientOptions(List.of());
			ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
			assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
			assertThat(refresh.getRefreshPeriod()).isEqualTo(RedisConnector.DEFAULT_CLUSTER_REFRESH_PERIOD);
			assertThat(refresh.getAdaptiveRefreshTriggers())
				.containsExactlyInAnyOrder(ClusterTopologyRefreshOptions.RefreshTrigger.values());
			assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(refresh.useDynamicRefreshSources()).isTrue();
			RedisClusterNode dead = new RedisClusterNode();
			dead.setFlags(java.util.Set.of(RedisClusterNode.NodeFlag.UPSTREAM, RedisClusterNode.NodeFlag.FAIL));
			RedisClusterNode live = new RedisClusterNode();
			live.setFlags(java.util.Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
			assertThat(options.getNodeFilter().test(dead)).as("a node the cluster marks failed is left out").isFalse();
			assertThat(options.getNodeFilter().test(live)).isTrue();
		}, "spring.data.redis.cluster.nodes=c1:7000");
	}

	@Test
	void clusterRefreshCanBeConfiguredAndSpringBootsPeriodWins() {
		AsyncQueueProperties.Cluster cluster = new AsyncQueueProperties.Cluster();
		cluster.setRefreshPeriod(Duration.ofSeconds(2));
		cluster.setAdaptiveRefresh(false);
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=c1:7000").run((context) -> {
			ClusterTopologyRefreshOptions refresh = refresh(context, cluster);
			assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));
			assertThat(refresh.getAdaptiveRefreshTriggers()).isEmpty();
		});
		this.runner
			.withPropertyValues("spring.data.redis.cluster.nodes=c1:7000",
					"spring.data.redis.lettuce.cluster.refresh.period=30s")
			.run((context) -> assertThat(refresh(context, cluster).getRefreshPeriod()).isEqualTo(Duration.ofSeconds(30)));
	}

	private static ClusterTopologyRefreshOptions refresh(org.springframework.context.ApplicationContext context,
			AsyncQueueProperties.Cluster cluster) {
		return ((ClusterClientOptions) new LettuceClientFactory(context.getBean(DataRedisConnectionDetails.class),
				context.getBean(DataRedisProperties.class), cluster)
			.clientOptions(List.of())).getTopologyRefreshOptions();
	}

	@Test
	void masterReplicaIsRejected() {
		this.runner.withPropertyValues("spring.data.redis.masterreplica.nodes=m:6379,r:6379")
			.run((context) -> assertThatExceptionOfType(AsyncQueueConfigurationException.class)
				.isThrownBy(() -> new LettuceClientFactory(context.getBean(DataRedisConnectionDetails.class),
						context.getBean(DataRedisProperties.class)))
				.withMessageContaining("static master/replica"));
	}

	@Test
	void clientOptionsFailFastAndTimeOutEverythingButTheBlockingWait() {
		factory((factory) -> {
			ClientOptions options = factory.clientOptions(List.of());
			assertThat(options.isAutoReconnect()).isTrue();
			assertThat(options.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(1500));
			TimeoutOptions timeouts = options.getTimeoutOptions();
			assertThat(timeouts.isTimeoutCommands()).isTrue();
			assertThat(timeouts.getSource().getTimeout(command(CommandType.EVALSHA))).isEqualTo(3000);
			assertThat(timeouts.getSource().getTimeout(command(CommandType.BZPOPMIN))).isZero();
			assertThat(factory.uris().get(0).getTimeout()).isEqualTo(Duration.ofSeconds(3));
		}, "spring.data.redis.timeout=3s", "spring.data.redis.connect-timeout=1500ms");
	}

	@Test
	void bootsClientOptionsCustomizersApply() {
		LettuceClientOptionsBuilderCustomizer customizer = (builder) -> builder.autoReconnect(false);
		factory((factory) -> assertThat(factory.clientOptions(List.of(customizer)).isAutoReconnect()).isFalse());
	}

	private static RedisCredentials credentials(RedisURI uri) {
		return uri.getCredentialsProvider().resolveCredentials().block();
	}

	private static Command<String, String, String> command(CommandType type) {
		return new Command<>(type, new StatusOutput<>(StringCodec.UTF8));
	}

	private void factory(java.util.function.Consumer<LettuceClientFactory> assertions, String... properties) {
		this.runner.withPropertyValues(properties)
			.run((context) -> assertions.accept(new LettuceClientFactory(context.getBean(DataRedisConnectionDetails.class),
					context.getBean(DataRedisProperties.class))));
	}

}
