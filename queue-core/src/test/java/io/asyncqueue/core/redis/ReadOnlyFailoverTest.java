package io.asyncqueue.core.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.asyncqueue.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A failover that Sentinel does not announce, with two real redis-servers behind one address (a
 * loopback forwarder standing in for a DNS name or a cloud endpoint): the old master becomes a
 * replica of the new one and the address moves to the new one. Connections made before the switch
 * still reach the old server, which answers every write with READONLY.
 */
class ReadOnlyFailoverTest {

	private RedisServer oldMaster;

	private RedisServer newMaster;

	private LoopbackForwarder address;

	@BeforeEach
	void start() throws IOException {
		this.oldMaster = RedisServer.start();
		this.newMaster = RedisServer.start();
		this.address = new LoopbackForwarder(this.oldMaster.port());
	}

	@AfterEach
	void stop() throws IOException {
		this.address.close();
		this.oldMaster.close();
		this.newMaster.close();
	}

	@Test
	void writesReachTheNewMasterOnceTheOldOneAnswersReadOnly() throws Exception {
		try (RedisConnector connector = RedisConnector.create("redis://127.0.0.1:" + this.address.port())) {
			connector.commands().set("failover", "before").get(5, TimeUnit.SECONDS);

			this.address.pointTo(this.newMaster.port());
			run(this.oldMaster, (redis) -> redis.sync().replicaof("127.0.0.1", this.newMaster.port()));
			assertThatException().isThrownBy(() -> connector.commands().set("failover", "after").get(5, TimeUnit.SECONDS))
				.withMessageContaining("READONLY");

			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			String written = null;
			while (written == null && System.nanoTime() < deadline) {
				try {
					written = connector.commands().set("failover", "after").get(5, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					assertThat(ex).hasMessageContaining("READONLY");
					Thread.sleep(100);
				}
			}
			assertThat(written).as("a write after the switch, within 10 s").isEqualTo("OK");
			String onNewMaster = run(this.newMaster, (redis) -> redis.sync().get("failover"));
			assertThat(onNewMaster).isEqualTo("after");
		}
	}

	private static <T> T run(RedisServer server, Function<StatefulRedisConnection<String, String>, T> action) {
		RedisClient client = RedisClient.create(server.uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return action.apply(connection);
		}
		finally {
			client.shutdown();
		}
	}

}
