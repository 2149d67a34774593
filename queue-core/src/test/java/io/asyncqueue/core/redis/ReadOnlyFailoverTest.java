package io.asyncqueue.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

	private Forwarder address;

	@BeforeEach
	void start() throws IOException {
		this.oldMaster = RedisServer.start();
		this.newMaster = RedisServer.start();
		this.address = new Forwarder(this.oldMaster.port());
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

	/** Forwards each new connection to the port it points at when the connection is made. */
	private static final class Forwarder implements AutoCloseable {

		private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private volatile int target;

		Forwarder(int target) throws IOException {
			this.target = target;
			Thread acceptor = new Thread(this::accept, "forwarder");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		void pointTo(int target) {
			this.target = target;
		}

		private void accept() {
			try {
				while (true) {
					Socket client = this.server.accept();
					Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
					this.sockets.add(client);
					this.sockets.add(upstream);
					pump(client.getInputStream(), upstream.getOutputStream());
					pump(upstream.getInputStream(), client.getOutputStream());
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		private static void pump(InputStream in, OutputStream out) {
			Thread pump = new Thread(() -> {
				try {
					in.transferTo(out);
				}
				catch (IOException ex) {
					// one side closed
				}
				finally {
					try {
						out.close();
					}
					catch (IOException ex) {
						// already closed
					}
				}
			}, "forwarder-pump");
			pump.setDaemon(true);
			pump.start();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}

	}

}
