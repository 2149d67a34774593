package io.asyncqueue.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.RedisUnavailableException;
import io.asyncqueue.core.RetryBackoff;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.core.scripts.QueueKeys;
import io.asyncqueue.test.RedisCluster;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenarios 12 and 13: a Redis Cluster (3 masters with a replica each, real processes, cluster-node-timeout 2 s)
 * loses the master of the queue's slot while a pusher and a consumer run, once by {@code kill -9} and once by a
 * coordinated {@code CLUSTER FAILOVER} on its replica. The client has the engine's cluster defaults (adaptive
 * topology refresh at most once a second, a periodic one every 5 s, failed nodes left out). Measured: confirmed
 * pushes lost, duplicate executions, the longest time without a confirmed push; every push that failed meanwhile
 * failed with {@link RedisUnavailableException}, the "retry this" type.
 */
class ClusterFailoverIT {

	/** Confirmed pushes before the failover, and again after it. */
	static final int PUSHES_EACH_SIDE = 1_500;

	private static final String QUEUE = "cluster-failover";

	private RedisCluster cluster;

	private ClientResources resources;

	private RedisClusterClient client;

	private RedisConnector redis;

	/** What Lettuce logged at WARN or above while a scenario ran. */
	private final List<String> lettuceWarnings = new CopyOnWriteArrayList<>();

	private List<String> warningsAboutTheDeadNode = List.of();

	private final AppenderBase<ILoggingEvent> lettuceAppender = new AppenderBase<>() {
		@Override
		protected void append(ILoggingEvent event) {
			if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
				ClusterFailoverIT.this.lettuceWarnings.add(event.getFormattedMessage());
			}
		}
	};

	@BeforeEach
	void start() {
		this.lettuceAppender.start();
		lettuceLogger().addAppender(this.lettuceAppender);
		this.cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).build();
		this.resources = RedisConnector.defaultClientResources();
		this.client = RedisClusterClient.create(this.resources,
				this.cluster.uris().stream().map(RedisURI::create).toList());
		this.client.setOptions(RedisConnector.defaultClusterClientOptions());
		this.redis = RedisConnector.of(this.client);
	}

	@AfterEach
	void stop() {
		lettuceLogger().detachAppender(this.lettuceAppender);
		this.redis.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.resources.shutdown();
		this.cluster.close();
	}

	@Test
	void killNineOfTheQueuesMaster() throws Exception {
		FailoverLoad.Figures figures = run(true);
		record(12, "Cluster (3 masters + 3 replicas) `kill -9` of the queue's master under load, then restarted", figures);
		// not asserted to be zero: replication is asynchronous, a confirmed push may not have reached the replica
		assertThat(figures.confirmed()).isGreaterThanOrEqualTo(2 * PUSHES_EACH_SIDE);
		assertThat(figures.otherFailures()).as("pushes that failed with another type than RedisUnavailableException")
			.isZero();
		assertThat(figures.resumeMillis()).as("longest time without a confirmed push").isLessThan(15_000);
		// without the node filter: ~8 in the same 6 s (reconnect attempts and every refresh); with it, no reconnect
		// and at most one line per periodic refresh (Lettuce still asks the nodes the live ones list as failed)
		assertThat(this.warningsAboutTheDeadNode).as("Lettuce's warnings about the dead master in the 6 s after the "
				+ "cluster marked it failed")
			.noneMatch((line) -> line.startsWith("Cannot reconnect"))
			.hasSizeLessThanOrEqualTo(2);
	}

	private static Logger lettuceLogger() {
		return (Logger) LoggerFactory.getLogger("io.lettuce");
	}

	@Test
	void coordinatedFailoverLosesNothing() throws Exception {
		FailoverLoad.Figures figures = run(false);
		record(13, "Cluster (3 masters + 3 replicas) coordinated `CLUSTER FAILOVER` of the queue's master under load",
				figures);
		// a coordinated failover stops the master's writes and lets the replica catch up before it takes over
		assertThat(figures.lost()).as("confirmed pushes lost").isZero();
		assertThat(figures.otherFailures()).as("pushes that failed with another type than RedisUnavailableException")
			.isZero();
		assertThat(figures.resumeMillis()).as("longest time without a confirmed push").isLessThan(10_000);
	}

	@Test
	void killNineOfTheMasterOfAShardedQueuesShardZero() throws Exception {
		// shard 0 is the queue's own slot, so masterOfQueue() names it: the shard whose marker idle consumers block on
		FailoverLoad.Figures figures = run(settings().shards(3).build(), true);
		record(16, "Cluster (3 masters + 3 replicas) `kill -9` of the master of shard 0 of a queue with `shards: 3` "
				+ "under load, then restarted", figures);
		assertThat(figures.confirmed()).isGreaterThanOrEqualTo(2 * PUSHES_EACH_SIDE);
		assertThat(figures.otherFailures()).as("pushes that failed with another type than RedisUnavailableException")
			.isZero();
		assertThat(figures.resumeMillis()).as("longest time without a confirmed push").isLessThan(15_000);
	}

	private static QueueSettings.Builder settings() {
		return QueueSettings.builder(QUEUE)
			.concurrency(4)
			.leaseDuration(Duration.ofSeconds(3))
			.retryBackoff(RetryBackoff.fixed(Duration.ZERO));
	}

	private FailoverLoad.Figures run(boolean crash) throws Exception {
		return run(settings().build(), crash);
	}

	private FailoverLoad.Figures run(QueueSettings settings, boolean crash) throws Exception {
		try (FailoverLoad load = new FailoverLoad(this.redis, settings)) {
			load.failoverAfter(PUSHES_EACH_SIDE);
			int master = masterOfQueue();
			RedisServer old = this.cluster.masters().get(master);
			RedisServer replica = this.cluster.replicas().get(master);
			if (crash) {
				old.kill();
			}
			else {
				command(replica, "CLUSTER FAILOVER");
			}
			awaitMaster(replica, Duration.ofSeconds(30));
			load.awaitConfirmedAfterFailover(PUSHES_EACH_SIDE);
			if (crash) {
				// the client leaves the node the cluster marked failed out of its topology: one refresh period
				// later, nothing reconnects to it any more (pushes stop meanwhile: the figures are the failover's)
				load.stopPushing();
				Thread.sleep(RedisConnector.DEFAULT_CLUSTER_REFRESH_PERIOD.toMillis());
				this.lettuceWarnings.clear();
				Thread.sleep(RedisConnector.DEFAULT_CLUSTER_REFRESH_PERIOD.toMillis() + 1000);
				this.warningsAboutTheDeadNode = this.lettuceWarnings.stream()
					.filter((line) -> line.contains(":" + old.port()))
					.toList();
				// back as it would be in production (empty, no AOF): the cluster makes it the new master's replica
				old.startAgain();
			}
			return load.finish();
		}
	}

	/** Which of the masters, as started, serves the queue's hash slot. */
	private int masterOfQueue() {
		int slot = SlotHash.getSlot(QueueKeys.of(QueueSettings.DEFAULT_CHANNEL_PREFIX + QUEUE).waiting());
		RedisClusterNode owner = this.client.getPartitions().getPartitionBySlot(slot);
		for (int i = 0; i < this.cluster.masters().size(); i++) {
			if (this.cluster.masters().get(i).port() == owner.getUri().getPort()) {
				return i;
			}
		}
		throw new IllegalStateException("No master as started serves slot " + slot + ": " + owner);
	}

	private static void awaitMaster(RedisServer replica, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
			try {
				return command(replica, "ROLE").startsWith("[master");
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
	}

	private static String command(RedisServer server, String command) {
		RedisClient client = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return command.equals("ROLE") ? String.valueOf(connection.sync().role())
					: connection.sync().clusterFailover(false);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	private static void record(int number, String scenario, FailoverLoad.Figures figures) {
		Guarantees.record(number, scenario, figures.confirmed() + " confirmed pushes", figures.lost(),
				Long.toString(figures.duplicated()), "longest time without a confirmed push " + figures.resumeMillis()
						+ " ms; " + figures.unavailable() + " pushes failed meanwhile, each with RedisUnavailableException",
				ClusterFailoverIT.class);
	}


}
