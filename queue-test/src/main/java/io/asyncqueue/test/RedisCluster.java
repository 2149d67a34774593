package io.asyncqueue.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster for tests: {@code masters} primaries sharing the 16384 hash slots evenly, each with
 * {@code replicasPerMaster} replicas, every node a private {@link RedisServer} on a loopback port (its
 * cluster bus on port + 10000). The cluster is formed with plain commands ({@code CLUSTER ADDSLOTS},
 * {@code CLUSTER MEET}, {@code CLUSTER REPLICATE}), so only {@code redis-server} is needed, and
 * {@link Builder#build()} returns once every node reports {@code cluster_state:ok}, knows every other node,
 * and every replica is in sync with its master.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).build()) {
 *   RedisClusterClient client = RedisClusterClient.create(cluster.uris());  // redis://127.0.0.1:<port>, ...
 *   cluster.masters().get(0).kill();                                       // a master crashes
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops every node and deletes their data directories.
 *
 * @since 0.2.0
 */
public final class RedisCluster implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

	private static final int SLOTS = 16384;
	private static final int BUS_PORT_OFFSET = 10000;
	private static final int PORT_ATTEMPTS = 5;

	private final List<RedisServer> masters;
	private final List<RedisServer> replicas;

	private RedisCluster(List<RedisServer> masters, List<RedisServer> replicas) {
		this.masters = List.copyOf(masters);
		this.replicas = List.copyOf(replicas);
	}

	/**
	 * A builder; the default is 3 masters with 1 replica each.
	 *
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The nodes started as masters, in slot order: the first holds the lowest slots. After a failover one
	 * of them may have become a replica.
	 *
	 * @return the masters as started
	 */
	public List<RedisServer> masters() {
		return masters;
	}

	/**
	 * The nodes started as replicas, those of the first master first.
	 *
	 * @return the replicas as started
	 */
	public List<RedisServer> replicas() {
		return replicas;
	}

	/**
	 * Every node, masters first.
	 *
	 * @return all nodes
	 */
	public List<RedisServer> nodes() {
		List<RedisServer> all = new ArrayList<>(masters);
		all.addAll(replicas);
		return all;
	}

	/**
	 * Every node's address, masters first, e.g. to seed a cluster client.
	 *
	 * @return {@code redis://127.0.0.1:<port>} for each node
	 */
	public List<String> uris() {
		return nodes().stream().map(RedisServer::uri).collect(Collectors.toList());
	}

	/** Stops every node and deletes their data directories. Idempotent. */
	@Override
	public void close() {
		closeAll(nodes());
	}

	/** {@return the masters' and replicas' addresses} */
	@Override
	public String toString() {
		return "RedisCluster[masters=" + masters.stream().map(RedisServer::uri).collect(Collectors.toList()) + ", replicas="
				+ replicas.stream().map(RedisServer::uri).collect(Collectors.toList()) + "]";
	}

	static void closeAll(List<RedisServer> servers) {
		RuntimeException failure = null;
		for (RedisServer server : servers) {
			try {
				server.close();
			} catch (RuntimeException e) {
				if (failure == null) {
					failure = e;
				} else {
					failure.addSuppressed(e);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	static Object command(RedisServer server, String... args) {
		try {
			return server.command(args);
		} catch (IOException e) {
			throw new IllegalStateException(String.join(" ", args) + " failed on " + server.uri() + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Configures and starts a {@link RedisCluster}.
	 *
	 * @since 0.2.0
	 */
	public static final class Builder {

		private int masters = 3;
		private int replicasPerMaster = 1;
		private Duration nodeTimeout = Duration.ofMillis(2000);
		private Duration startupTimeout = Duration.ofSeconds(30);

		private Builder() {
		}

		/**
		 * How many masters share the hash slots; default 3 (the fewest Redis accepts for automatic failover).
		 *
		 * @param masters at least 1
		 * @return this builder
		 */
		public Builder masters(int masters) {
			if (masters < 1) {
				throw new IllegalArgumentException("masters must be at least 1: " + masters);
			}
			this.masters = masters;
			return this;
		}

		/**
		 * How many replicas each master gets; default 1.
		 *
		 * @param replicasPerMaster 0 or more
		 * @return this builder
		 */
		public Builder replicasPerMaster(int replicasPerMaster) {
			if (replicasPerMaster < 0) {
				throw new IllegalArgumentException("replicasPerMaster must not be negative: " + replicasPerMaster);
			}
			this.replicasPerMaster = replicasPerMaster;
			return this;
		}

		/**
		 * The nodes' {@code cluster-node-timeout}: how long a master may be unreachable before its replica
		 * takes over; default 2 seconds (Redis's own default, 15 s, would make failover tests slow).
		 *
		 * @param nodeTimeout a positive duration
		 * @return this builder
		 */
		public Builder nodeTimeout(Duration nodeTimeout) {
			this.nodeTimeout = Arguments.positive("nodeTimeout", nodeTimeout);
			return this;
		}

		/**
		 * How long {@link #build()} may take, from the first node started to the cluster being in sync;
		 * default 30 seconds.
		 *
		 * @param startupTimeout a positive duration
		 * @return this builder
		 */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = Arguments.positive("startupTimeout", startupTimeout);
			return this;
		}

		/**
		 * Starts the nodes, forms the cluster and waits until it is ready.
		 *
		 * @return the running cluster; close it when done
		 * @throws IllegalStateException when a node cannot start or the cluster is not ready within the
		 *     start-up timeout; the message says which node is not ready and what it reports
		 */
		public RedisCluster build() {
			long deadline = System.nanoTime() + startupTimeout.toNanos();
			List<RedisServer> started = new ArrayList<>();
			try {
				List<RedisServer> primaries = new ArrayList<>();
				List<RedisServer> secondaries = new ArrayList<>();
				for (int i = 0; i < masters; i++) {
					primaries.add(startNode(started));
				}
				for (int i = 0; i < masters * replicasPerMaster; i++) {
					secondaries.add(startNode(started));
				}
				form(primaries, secondaries, deadline);
				RedisCluster cluster = new RedisCluster(primaries, secondaries);
				log.debug("Started {}", cluster);
				return cluster;
			} catch (RuntimeException e) {
				try {
					closeAll(started);
				} catch (RuntimeException suppressed) {
					e.addSuppressed(suppressed);
				}
				throw e;
			}
		}

		private RedisServer startNode(List<RedisServer> started) {
			List<String> failures = new ArrayList<>();
			for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
				int port = Ports.freePortWithBus();
				try {
					RedisServer node = RedisServer.builder()
						.port(port)
						.config("cluster-enabled yes")
						.config("cluster-config-file nodes.conf")
						.config("cluster-node-timeout " + nodeTimeout.toMillis())
						.build();
					started.add(node);
					return node;
				} catch (IllegalStateException e) {
					if (!String.valueOf(e.getMessage()).contains("in use") && !String.valueOf(e.getMessage()).contains("taken")) {
						throw e;
					}
					failures.add(e.getMessage()); // another process took the port or its bus port: try others
				}
			}
			throw new IllegalStateException("Could not find a free port pair (port, port + " + BUS_PORT_OFFSET
					+ ") for a cluster node after " + PORT_ATTEMPTS + " attempts: " + failures);
		}

		private void form(List<RedisServer> primaries, List<RedisServer> secondaries, long deadline) {
			for (int i = 0; i < primaries.size(); i++) {
				int from = i * SLOTS / primaries.size();
				int to = (i + 1) * SLOTS / primaries.size();
				String[] args = new String[2 + to - from];
				args[0] = "CLUSTER";
				args[1] = "ADDSLOTS"; // not ADDSLOTSRANGE, which Redis 6.2 (the embedded provider) lacks
				for (int slot = from; slot < to; slot++) {
					args[2 + slot - from] = Integer.toString(slot);
				}
				command(primaries.get(i), args);
			}
			List<RedisServer> all = new ArrayList<>(primaries);
			all.addAll(secondaries);
			RedisServer first = all.get(0);
			for (RedisServer node : all.subList(1, all.size())) {
				command(first, "CLUSTER", "MEET", node.host(), Integer.toString(node.port()));
			}
			await(deadline, "every node to know the other " + (all.size() - 1),
					() -> all.stream().allMatch(node -> knows(node, all.size())), all);
			for (int i = 0; i < secondaries.size(); i++) {
				RedisServer master = primaries.get(i / replicasPerMaster);
				String masterId = String.valueOf(command(master, "CLUSTER", "MYID"));
				RedisServer replica = secondaries.get(i);
				await(deadline, replica.uri() + " to know its master " + master.uri(),
						() -> String.valueOf(command(replica, "CLUSTER", "NODES")).contains(masterId), all);
				command(replica, "CLUSTER", "REPLICATE", masterId);
			}
			await(deadline, "cluster_state:ok on every node and every replica in sync", () -> ready(primaries, secondaries, all),
					all);
		}

		private static boolean knows(RedisServer node, int count) {
			String nodes = String.valueOf(command(node, "CLUSTER", "NODES"));
			return nodes.lines().filter(line -> !line.isBlank() && !line.contains("handshake")).count() >= count;
		}

		private static boolean ready(List<RedisServer> primaries, List<RedisServer> secondaries, List<RedisServer> all) {
			for (RedisServer node : all) {
				if (!"ok".equals(clusterInfo(node, "cluster_state"))
						|| !Integer.toString(SLOTS).equals(clusterInfo(node, "cluster_slots_ok"))
						|| !Integer.toString(all.size()).equals(clusterInfo(node, "cluster_known_nodes"))) {
					return false;
				}
			}
			for (RedisServer replica : secondaries) {
				if (!"up".equals(replica.info("replication", "master_link_status"))) {
					return false;
				}
			}
			for (RedisServer master : primaries) {
				String connected = master.info("replication", "connected_slaves");
				if (connected == null || Integer.parseInt(connected) < secondaries.size() / primaries.size()) {
					return false;
				}
			}
			return true;
		}

	}

	static String clusterInfo(RedisServer node, String field) {
			try {
				for (String line : String.valueOf(node.command("CLUSTER", "INFO")).split("\r?\n")) {
					if (line.startsWith(field + ":")) {
						return line.substring(field.length() + 1).trim();
					}
				}
			} catch (IOException e) {
				return null;
			}
		return null;
	}

	static final class Ports {

		private Ports() {
		}

		static int freePortWithBus() {
			for (int attempt = 0; attempt < 100; attempt++) {
				int port = ThreadLocalRandom.current().nextInt(20000, 65535 - BUS_PORT_OFFSET);
				if (free(port) && free(port + BUS_PORT_OFFSET)) {
					return port;
				}
			}
			throw new IllegalStateException("Found no free loopback port pair (port, port + " + BUS_PORT_OFFSET
					+ ") for a cluster node in 100 tries");
		}

		private static boolean free(int port) {
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
				return true;
			} catch (IOException e) {
				return false;
			}
		}
	}

	/** Polls until the condition holds, or fails naming what was awaited and what each node reports. */
	static void await(long deadline, String what, Condition condition, List<RedisServer> nodes) {
		RuntimeException last = null;
		while (true) {
			try {
				if (condition.holds()) {
					return;
				}
			} catch (RuntimeException e) {
				last = e; // a node not answering yet
			}
			if (System.nanoTime() > deadline) {
				IllegalStateException failure = new IllegalStateException("Timed out waiting for " + what + ". Nodes: "
						+ nodes.stream().map(RedisCluster::state).collect(Collectors.joining("; ")));
				if (last != null) {
					failure.addSuppressed(last);
				}
				throw failure;
			}
			try {
				Thread.sleep(50);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + what, e);
			}
		}
	}

	private static String state(RedisServer node) {
		return node.uri() + " role=" + node.info("replication", "role") + " cluster_state="
				+ clusterInfo(node, "cluster_state") + " master_link_status=" + node.info("replication", "master_link_status");
	}

	/** A check that may throw while a node is not answering yet. */
	@FunctionalInterface
	interface Condition {
		boolean holds();
	}
}
