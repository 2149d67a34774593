package io.asyncqueue.spring.transaction;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.QueueAcl;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox relay works as the least-privileged user the README documents: its lease script and the marks of
 * pushed rows run only commands {@link QueueAcl} declares, on keys of the default pattern.
 */
@EmbeddedRedis
class OutboxRelayAclTests {

	@Test
	void theDocumentedAclLetsTheRelayHoldItsLeaseAndMarkItsRows(RedisServer redis) {
		RedisClient admin = RedisClient.create(redis.uri());
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			connection.sync().aclDeluser("outbox-app");
			connection.sync()
				.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
							.add("outbox-app")
							.addValues(("on >outbox-secret " + QueueAcl.rules("{async-queue:*")).split(" ")));
		}
		finally {
			admin.shutdown();
		}
		String uri = "redis://outbox-app:outbox-secret@" + redis.host() + ":" + redis.port();
		try (RedisConnector connector = RedisConnector.create(uri)) {
			String keys = "{async-queue:outbox}:";
			RelayLease lease = new RelayLease(connector, keys + "relay-lease", Duration.ofSeconds(10));
			assertThat(lease.acquire()).as("taken").isTrue();
			assertThat(lease.acquire()).as("renewed").isTrue();
			RelayMarkers markers = new RelayMarkers(connector, keys + "pushed:");
			markers.mark(List.of("row-1", "row-2"));
			assertThat(markers.pushed(List.of("row-1", "row-2", "row-3"))).containsExactlyInAnyOrder("row-1", "row-2");
			markers.clear(List.of("row-1", "row-2"));
			assertThat(markers.pushed(List.of("row-1"))).isEmpty();
			lease.release();
			assertThat(new RelayLease(connector, keys + "relay-lease", Duration.ofSeconds(10)).acquire())
				.as("released: another instance takes it").isTrue();
		}
	}

}
