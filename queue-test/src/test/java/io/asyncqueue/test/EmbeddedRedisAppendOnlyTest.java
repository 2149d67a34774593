package io.asyncqueue.test;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@EmbeddedRedis(appendOnly = true)
class EmbeddedRedisAppendOnlyTest {

	@Test
	void dataSurvivesARestart(RedisServer server) {
		assertThat(server).isNotSameAs(RedisServerExtension.sharedServer());
		assertThat(Redis.config(server, "appendonly")).isEqualTo("yes");
		Redis.call(server, "RPUSH", "jobs", "a", "b");

		server.restart();

		assertThat(Redis.call(server, "LRANGE", "jobs", "0", "-1")).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactly("a", "b");
	}
}
