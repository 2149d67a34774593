package io.asyncqueue.test;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisClusterTest {

	@Test
	void startsMastersWithReplicasThatShareEverySlot() {
		List<Path> dirs;
		try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).build()) {
			assertThat(cluster.masters()).hasSize(3);
			assertThat(cluster.replicas()).hasSize(3);
			assertThat(cluster.uris()).hasSize(6).allMatch(uri -> uri.startsWith("redis://127.0.0.1:"));
			for (RedisServer node : cluster.nodes()) {
				String info = (String) Redis.call(node, "CLUSTER", "INFO");
				assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:6",
						"cluster_size:3");
			}
			for (RedisServer master : cluster.masters()) {
				assertThat(Redis.call(master, "INFO", "replication")).asString().contains("role:master", "connected_slaves:1");
			}
			for (RedisServer replica : cluster.replicas()) {
				assertThat(Redis.call(replica, "INFO", "replication")).asString().contains("role:slave",
						"master_link_status:up");
			}
			// slot 0 is on the first master: key "{06S}x" hashes to slot 0
			assertThat(Redis.call(cluster.masters().get(0), "CLUSTER", "KEYSLOT", "{06S}x")).isEqualTo(0L);
			assertThat(Redis.call(cluster.masters().get(0), "SET", "{06S}x", "1")).isEqualTo("OK");
			assertThatThrownBy(() -> Redis.call(cluster.masters().get(1), "SET", "{06S}x", "1")).hasStackTraceContaining("MOVED 0");
			dirs = cluster.nodes().stream().map(RedisServer::dataDirectory).toList();
			assertThat(dirs).allMatch(dir -> dir.resolve("nodes.conf").toFile().isFile());
		}
		assertThat(dirs).noneMatch(dir -> dir.toFile().exists());
	}

	@Test
	void aCrashedMasterIsReplacedByItsReplica() {
		try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).build()) {
			RedisServer master = cluster.masters().get(0);
			master.kill();
			RedisServer replica = cluster.replicas().get(0);
			RedisCluster.await(System.nanoTime() + 20_000_000_000L, "the replica to take over",
					() -> String.valueOf(Redis.call(replica, "INFO", "replication")).contains("role:master")
							&& "ok".equals(RedisCluster.clusterInfo(replica, "cluster_state")),
					cluster.nodes());
		}
	}

	@Test
	void reportsWhatItWaitedForWhenTheClusterIsNotReadyInTime() {
		assertThatThrownBy(() -> RedisCluster.builder()
			.masters(1)
			.replicasPerMaster(0)
			.startupTimeout(java.time.Duration.ofMillis(1))
			.build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("Timed out waiting for");
	}
}
