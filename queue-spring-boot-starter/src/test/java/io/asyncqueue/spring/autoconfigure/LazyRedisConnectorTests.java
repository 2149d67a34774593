package io.asyncqueue.spring.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.asyncqueue.core.RedisUnavailableException;
import io.asyncqueue.spring.QueueTemplate;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LazyRedisConnector} against a server that first drops every connection (Redis down)
 * and then accepts connections without ever answering (Redis hung), where a connect attempt lasts the
 * whole timeout.
 */
class LazyRedisConnectorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				AsyncQueueAutoConfiguration.class))
		.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.queues.orders.channel=lazy:orders",
				"spring.data.redis.timeout=3s", "spring.data.redis.connect-timeout=3s");

	private ServerSocket server;

	private volatile boolean hang;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startBrokenServer() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			try {
				while (true) {
					Socket socket = this.server.accept();
					this.accepted.add(socket);
					if (!this.hang) {
						socket.close();
					}
				}
			}
			catch (IOException ex) {
				// closed
			}
		}, "broken-redis");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	@AfterEach
	void stopBrokenServer() throws IOException {
		this.server.close();
		for (Socket socket : this.accepted) {
			socket.close();
		}
	}

	@Test
	void callersFailFastOnceAConnectAttemptHasFailed() {
		this.runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + this.server.getLocalPort())
			.run((context) -> {
				QueueTemplate template = context.getBean(QueueTemplate.class);
				String redis = "Could not connect to Redis at redis://127.0.0.1:" + this.server.getLocalPort();
				assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(() -> push(template))
					.withMessageStartingWith(redis);
				int attempts = this.accepted.size();

				long start = System.nanoTime();
				assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(() -> push(template))
					.withMessageStartingWith(redis)
					.withMessageContaining("(the last attempt, less than 1000ms ago");
				assertThat(this.accepted).as("no new attempt right after a failed one").hasSize(attempts);

				this.hang = true;
				Thread.sleep(LazyRedisConnector.RETRY_AFTER.toMillis());
				for (int i = 0; i < 3; i++) {
					start = System.nanoTime();
					assertThatExceptionOfType(RedisUnavailableException.class).isThrownBy(() -> push(template))
						.withMessageStartingWith("Not connected to Redis at redis://127.0.0.1:" + this.server.getLocalPort()
								+ "?timeout=3s: a connect attempt is in progress (the previous one failed)");
					assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a push while Redis hangs")
						.isLessThan(Duration.ofSeconds(1));
				}
				assertThat(this.accepted).as("one attempt for every caller").hasSize(attempts + 1);
			});
	}

	private static void push(QueueTemplate template) {
		template.push(CreateOrderJob.class, new CreateOrder("lazy", 1));
	}

}
