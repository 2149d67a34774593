package io.asyncqueue.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSentinelSetupTest {

	@Test
	void startsAMasterAReplicaAndThreeSentinelsThatSeeEachOther() {
		List<Path> dirs;
		try (RedisSentinelSetup setup = RedisSentinelSetup.builder().build()) {
			assertThat(setup.servers()).hasSize(2);
			assertThat(setup.sentinels()).hasSize(3);
			assertThat(setup.master()).isSameAs(setup.servers().get(0));
			assertThat(setup.uri()).matches("redis-sentinel://127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+#mymaster");
			assertThat(Redis.call(setup.servers().get(1), "INFO", "replication")).asString().contains("role:slave",
					"master_link_status:up");
			for (RedisServer sentinel : setup.sentinels()) {
				assertThat(Redis.call(sentinel, "SENTINEL", "CKQUORUM", "mymaster")).asString().startsWith("OK");
			}
			dirs = setup.sentinels().stream().map(RedisServer::dataDirectory).toList();
		}
		assertThat(dirs).noneMatch(dir -> dir.toFile().exists());
	}

	@Test
	void aPlannedFailoverPromotesTheReplica() {
		try (RedisSentinelSetup setup = RedisSentinelSetup.builder().build()) {
			RedisServer old = setup.master();
			RedisServer promoted = setup.failover();
			assertThat(promoted).isNotSameAs(old);
			assertThat(setup.master()).isSameAs(promoted);
			assertThat(Redis.call(promoted, "INFO", "replication")).asString().contains("role:master");
		}
	}

	@Test
	void aKilledMasterIsReplacedByItsReplica() {
		try (RedisSentinelSetup setup = RedisSentinelSetup.builder().build()) {
			RedisServer old = setup.master();
			old.kill();
			assertThat(old.isRunning()).isFalse();
			RedisServer promoted = setup.awaitMasterOtherThan(old, Duration.ofSeconds(20));
			assertThat(promoted).isSameAs(setup.servers().get(1));
		}
	}
}
