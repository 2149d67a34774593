package io.asyncqueue.spring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.asyncqueue.core.QueueException;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A certificate problem names itself in the first line of what the caller sees, against a real
 * redis-server that speaks TLS with a certificate made for the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTlsTests {

	private Path directory;

	private Process redis;

	private int port;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
				JacksonAutoConfiguration.class, AsyncQueueAutoConfiguration.class))
		.withPropertyValues("async-queue.consumer.enabled=false", "async-queue.queues.orders.channel=tls:orders",
				"spring.data.redis.ssl.enabled=true", "spring.data.redis.connect-timeout=5s");

	@BeforeAll
	void startRedisWithTls() throws Exception {
		this.directory = Files.createTempDirectory("redis-tls");
		assumeTrue(run("openssl", "version") == 0, "openssl is needed to make the test's certificate");
		// self-signed, for "localhost" only
		assumeTrue(run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
				"-addext", "subjectAltName=DNS:localhost", "-keyout", "server.key", "-out", "server.crt") == 0,
				"openssl could not make a certificate");
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			this.port = socket.getLocalPort();
		}
		this.redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", String.valueOf(this.port), "--bind",
				"127.0.0.1", "--tls-cert-file", "server.crt", "--tls-key-file", "server.key", "--tls-ca-cert-file",
				"server.crt", "--tls-auth-clients", "no", "--save", "", "--appendonly", "no")
			.directory(this.directory.toFile())
			.redirectErrorStream(true)
			.start();
		BufferedReader output = new BufferedReader(new InputStreamReader(this.redis.getInputStream(), StandardCharsets.UTF_8));
		StringBuilder seen = new StringBuilder();
		String line;
		while ((line = output.readLine()) != null && !line.contains("Ready to accept connections")) {
			seen.append(line).append('\n');
		}
		assumeTrue(line != null, () -> "redis-server without TLS support? It said:\n" + seen);
		Thread drain = new Thread(() -> {
			try {
				while (output.readLine() != null) {
					// keep the pipe from filling up
				}
			}
			catch (IOException ex) {
				// the server stopped
			}
		}, "redis-tls-output");
		drain.setDaemon(true);
		drain.start();
	}

	@AfterAll
	void stopRedis() throws InterruptedException, IOException {
		if (this.redis != null) {
			this.redis.destroy();
			this.redis.waitFor(10, TimeUnit.SECONDS);
		}
		FileSystemUtils.deleteRecursively(this.directory);
	}

	@Test
	void anUntrustedCertificateSaysSoInTheFirstLine() {
		this.runner.withPropertyValues("spring.data.redis.host=localhost", "spring.data.redis.port=" + this.port)
			.run((context) -> assertThatExceptionOfType(QueueException.class)
				.isThrownBy(() -> context.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("t", 1)))
				.withMessageStartingWith("Redis at rediss://localhost:" + this.port)
				.withMessageContaining("presented a TLS certificate this application does not trust (a certificate problem): ")
				.withMessageContaining("PKIX")
				.withMessageEndingWith("; trust its CA with an SSL bundle (spring.data.redis.ssl.bundle)"));
	}

	@Test
	void aCertificateForAnotherHostSaysSoInTheFirstLine() {
		trustingTheCertificate("127.0.0.1").run((context) -> assertThatExceptionOfType(QueueException.class)
				.isThrownBy(() -> context.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("t", 2)))
				.withMessageStartingWith("Redis at rediss://127.0.0.1:" + this.port)
				.withMessageContaining("presented a TLS certificate that does not match the host name: ")
				.withMessageContaining("127.0.0.1"));
	}

	@Test
	void aTrustedCertificateConnects() {
		trustingTheCertificate("localhost").run((context) -> context.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("t", 3)));
	}

	private ApplicationContextRunner trustingTheCertificate(String host) {
		return this.runner.withPropertyValues("spring.data.redis.host=" + host, "spring.data.redis.port=" + this.port,
				"spring.ssl.bundle.pem.redis.truststore.certificate=file:" + this.directory.resolve("server.crt"),
				"spring.data.redis.ssl.bundle=redis");
	}

	private int run(String... command) throws IOException, InterruptedException {
		try {
			Process process = new ProcessBuilder(List.of(command)).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(Files.createTempFile(this.directory, "openssl", ".log").toFile())
				.start();
			return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

}
