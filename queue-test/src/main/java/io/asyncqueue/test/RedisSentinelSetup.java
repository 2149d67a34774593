package io.asyncqueue.test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Sentinel set-up for tests: a master, its replicas and a group of Sentinels watching it,
 * every one a private {@link RedisServer} process on a loopback port (Sentinels are the same
 * {@code redis-server} binary run with {@code --sentinel}). {@link Builder#build()} returns once every
 * replica is in sync and every Sentinel sees the master, its replicas and the other Sentinels
 * ({@code SENTINEL CKQUORUM} answers OK).
 *
 * <pre>{@code
 * try (RedisSentinelSetup sentinel = RedisSentinelSetup.builder().build()) {  // 1 master, 1 replica, 3 sentinels
 *   RedisClient client = RedisClient.create(sentinel.uri());   // redis-sentinel://127.0.0.1:<p1>,...#mymaster
 *   RedisServer old = sentinel.master();
 *   RedisServer promoted = sentinel.failover();                 // SENTINEL FAILOVER, then waits for the switch
 *   sentinel.master().kill();                                   // kill -9 ...
 *   sentinel.awaitMasterOtherThan(promoted, Duration.ofSeconds(15));  // ... and the replica takes over
 * }
 * }</pre>
 *
 * <p>The Sentinels consider a master down after {@link Builder#downAfter(Duration) downAfter} (default 1 s),
 * so a crash fails over in a few seconds. {@link #close()} stops every process and deletes their data
 * directories.
 *
 * @since 0.2.0
 */
public final class RedisSentinelSetup implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisSentinelSetup.class);

	private final String masterName;
	private final List<RedisServer> servers;
	private final List<RedisServer> sentinels;

	private RedisSentinelSetup(String masterName, List<RedisServer> servers, List<RedisServer> sentinels) {
		this.masterName = masterName;
		this.servers = List.copyOf(servers);
		this.sentinels = List.copyOf(sentinels);
	}

	/**
	 * A builder; the default is a master, one replica and three Sentinels with a quorum of two.
	 *
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The name the Sentinels monitor the master under.
	 *
	 * @return e.g. {@code "mymaster"}
	 */
	public String masterName() {
		return masterName;
	}

	/**
	 * The set-up in Lettuce's Sentinel URI form, for {@code RedisURI.create} or {@code RedisClient.create}.
	 *
	 * @return {@code redis-sentinel://127.0.0.1:<port1>,127.0.0.1:<port2>,...#<masterName>}
	 */
	public String uri() {
		return "redis-sentinel://" + sentinels.stream().map(s -> s.host() + ":" + s.port()).collect(Collectors.joining(","))
				+ "#" + masterName;
	}

	/**
	 * The Redis servers (not the Sentinels): the first was started as the master, the others as its
	 * replicas. Which one is master now is {@link #master()}.
	 *
	 * @return the data servers
	 */
	public List<RedisServer> servers() {
		return servers;
	}

	/**
	 * The Sentinels.
	 *
	 * @return the Sentinel processes
	 */
	public List<RedisServer> sentinels() {
		return sentinels;
	}

	/**
	 * The server the Sentinels currently name as master ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}, asked of the
	 * first Sentinel that answers).
	 *
	 * @return the current master
	 * @throws IllegalStateException if no Sentinel answers, or it names a server that is not part of this
	 *     set-up
	 */
	public RedisServer master() {
		for (RedisServer sentinel : sentinels) {
			int port = announcedMasterPort(sentinel);
			if (port > 0) {
				return serverOnPort(port);
			}
		}
		throw new IllegalStateException("No Sentinel of " + this + " names a master");
	}

	/**
	 * Asks a Sentinel for a planned failover ({@code SENTINEL FAILOVER}) and waits until every Sentinel names
	 * another master and that server reports {@code role:master}.
	 *
	 * @return the new master
	 * @throws IllegalStateException if the failover does not complete within 30 seconds
	 */
	public RedisServer failover() {
		RedisServer old = master();
		RedisCluster.command(sentinels.get(0), "SENTINEL", "FAILOVER", masterName);
		return awaitMasterOtherThan(old, Duration.ofSeconds(30));
	}

	/**
	 * Waits until every running Sentinel names a master other than {@code old} and that server reports
	 * {@code role:master}: after {@link RedisServer#kill()} of the master, or a {@link #failover()} started
	 * elsewhere.
	 *
	 * @param old the master that is being replaced
	 * @param timeout how long to wait
	 * @return the new master
	 * @throws IllegalStateException on timeout, with what each Sentinel reports
	 */
	public RedisServer awaitMasterOtherThan(RedisServer old, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		RedisServer[] promoted = new RedisServer[1];
		RedisCluster.await(deadline, "the Sentinels of " + masterName + " to name a master other than " + old.uri(), () -> {
			int agreed = -1;
			for (RedisServer sentinel : sentinels) {
				if (!sentinel.isRunning()) {
					continue;
				}
				int port = announcedMasterPort(sentinel);
				if (port <= 0 || port == old.port() || (agreed > 0 && port != agreed)) {
					return false;
				}
				agreed = port;
			}
			RedisServer candidate = serverOnPort(agreed);
			promoted[0] = candidate;
			return "master".equals(candidate.info("replication", "role"));
		}, sentinels);
		return promoted[0];
	}

	/** Stops every Sentinel, then every server, and deletes their data directories. Idempotent. */
	@Override
	public void close() {
		List<RedisServer> all = new ArrayList<>(sentinels); // first, so that they start no failover while we stop
		all.addAll(servers);
		RedisCluster.closeAll(all);
	}

	/** {@return the master name and addresses} */
	@Override
	public String toString() {
		return "RedisSentinelSetup[" + masterName + ", servers=" + servers.stream().map(RedisServer::uri).collect(Collectors.toList())
				+ ", sentinels=" + sentinels.stream().map(RedisServer::uri).collect(Collectors.toList()) + "]";
	}

	private int announcedMasterPort(RedisServer sentinel) {
		try {
			Object reply = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
			if (reply instanceof List<?> address && address.size() == 2) {
				return Integer.parseInt(String.valueOf(address.get(1)));
			}
		} catch (IOException | NumberFormatException e) {
			log.debug("Sentinel {} did not name a master: {}", sentinel.uri(), e.toString());
		}
		return -1;
	}

	private RedisServer serverOnPort(int port) {
		return servers.stream()
			.filter(server -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The Sentinels name 127.0.0.1:" + port + " as master of "
					+ masterName + ", which is not a server of " + this));
	}

	/**
	 * Configures and starts a {@link RedisSentinelSetup}.
	 *
	 * @since 0.2.0
	 */
	public static final class Builder {

		private String masterName = "mymaster";
		private int replicas = 1;
		private int sentinels = 3;
		private int quorum = 2;
		private Duration downAfter = Duration.ofSeconds(1);
		private Duration startupTimeout = Duration.ofSeconds(30);

		private Builder() {
		}

		/**
		 * The name the Sentinels monitor the master under; default {@code mymaster}.
		 *
		 * @param masterName letters, digits, {@code -}, {@code _} and {@code .}
		 * @return this builder
		 */
		public Builder masterName(String masterName) {
			if (masterName == null || !masterName.matches("[A-Za-z0-9._-]+")) {
				throw new IllegalArgumentException("masterName must be letters, digits, '-', '_' or '.': " + masterName);
			}
			this.masterName = masterName;
			return this;
		}

		/**
		 * How many replicas the master gets; default 1.
		 *
		 * @param replicas at least 1 (a Sentinel set-up without a replica cannot fail over)
		 * @return this builder
		 */
		public Builder replicas(int replicas) {
			if (replicas < 1) {
				throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
			}
			this.replicas = replicas;
			return this;
		}

		/**
		 * How many Sentinels watch the master, and how many must agree that it is down; default 3 and 2.
		 *
		 * @param sentinels at least 1
		 * @param quorum between 1 and {@code sentinels}
		 * @return this builder
		 */
		public Builder sentinels(int sentinels, int quorum) {
			if (sentinels < 1 || quorum < 1 || quorum > sentinels) {
				throw new IllegalArgumentException(
						"Need at least one Sentinel and 1 <= quorum <= sentinels: sentinels=" + sentinels + ", quorum=" + quorum);
			}
			this.sentinels = sentinels;
			this.quorum = quorum;
			return this;
		}

		/**
		 * The Sentinels' {@code down-after-milliseconds}: how long the master may not answer before it is
		 * considered down; default 1 second.
		 *
		 * @param downAfter a positive duration
		 * @return this builder
		 */
		public Builder downAfter(Duration downAfter) {
			this.downAfter = Arguments.positive("downAfter", downAfter);
			return this;
		}

		/**
		 * How long {@link #build()} may take; default 30 seconds.
		 *
		 * @param startupTimeout a positive duration
		 * @return this builder
		 */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = Arguments.positive("startupTimeout", startupTimeout);
			return this;
		}

		/**
		 * Starts the master, the replicas and the Sentinels, and waits until they see each other.
		 *
		 * @return the running set-up; close it when done
		 * @throws IllegalStateException when a process cannot start or the set-up is not ready within the
		 *     start-up timeout; the message says what was awaited and what each process reports
		 */
		public RedisSentinelSetup build() {
			long deadline = System.nanoTime() + startupTimeout.toNanos();
			List<RedisServer> servers = new ArrayList<>();
			List<RedisServer> watchers = new ArrayList<>();
			try {
				RedisServer master = RedisServer.start();
				servers.add(master);
				for (int i = 0; i < replicas; i++) {
					servers.add(RedisServer.builder().config("replicaof " + master.host() + " " + master.port()).build());
				}
				RedisCluster.await(deadline, "the replicas of " + master.uri() + " to be in sync",
						() -> servers.subList(1, servers.size())
							.stream()
							.allMatch(replica -> "up".equals(replica.info("replication", "master_link_status"))),
						servers);
				for (int i = 0; i < sentinels; i++) {
					watchers.add(RedisServer.builder()
						.sentinel()
						.config("sentinel resolve-hostnames no")
						.config("sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " " + quorum)
						.config("sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis())
						.config("sentinel failover-timeout " + masterName + " 10000")
						.config("sentinel parallel-syncs " + masterName + " 1")
						.build());
				}
				RedisCluster.await(deadline, "every Sentinel to see the master, " + replicas + " replica(s) and "
						+ (sentinels - 1) + " other Sentinel(s)", () -> watchers.stream().allMatch(this::ready), watchers);
				RedisSentinelSetup setup = new RedisSentinelSetup(masterName, servers, watchers);
				log.debug("Started {}", setup);
				return setup;
			} catch (RuntimeException e) {
				List<RedisServer> all = new ArrayList<>(watchers);
				all.addAll(servers);
				try {
					RedisCluster.closeAll(all);
				} catch (RuntimeException suppressed) {
					e.addSuppressed(suppressed);
				}
				throw e;
			}
		}

		private boolean ready(RedisServer sentinel) {
			Object master = RedisCluster.command(sentinel, "SENTINEL", "MASTER", masterName);
			if (!(master instanceof List<?> fields)) {
				return false;
			}
			String slaves = field(fields, "num-slaves");
			String others = field(fields, "num-other-sentinels");
			return slaves != null && Integer.parseInt(slaves) == replicas && others != null
					&& Integer.parseInt(others) == sentinels - 1
					&& String.valueOf(RedisCluster.command(sentinel, "SENTINEL", "CKQUORUM", masterName)).startsWith("OK");
		}

		private static String field(List<?> fields, String name) {
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				if (name.equals(fields.get(i))) {
					return String.valueOf(fields.get(i + 1));
				}
			}
			return null;
		}
	}
}
