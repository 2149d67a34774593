package io.asyncqueue.cli;


import io.lettuce.core.SslOptions;
import org.junit.jupiter.api.Test;

import io.asyncqueue.core.JobSerializer;
import io.asyncqueue.core.QueueClient;
import io.asyncqueue.core.QueueSettings;
import io.asyncqueue.core.Queues;
import io.asyncqueue.core.redis.RedisConnector;
import io.asyncqueue.test.EmbeddedRedis;
import io.asyncqueue.test.RedisServer;
import io.asyncqueue.test.RedisTls;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a real redis-server that requires a client certificate (mutual TLS). */
@EmbeddedRedis(mutualTls = true)
class QueueCliTlsTest {

	private final RedisServer server;

	private final RedisTls tls;

	QueueCliTlsTest(RedisServer server) {
		this.server = server;
		this.tls = server.tls();
	}

	@Test
	void readsAQueueOverMutualTlsWithTheCaAndAClientCertificate() {
		SslOptions ssl = SslOptions.builder()
			.trustManager(this.tls.caCertificate().toFile())
			.keyManager(this.tls.clientCertificate().toFile(), this.tls.clientPrivateKey().toFile(), null)
			.build();
		try (RedisConnector redis = RedisConnector.create(this.server.uri(), ssl)) {
			new QueueClient(redis, new JobSerializer(), Queues.of(QueueSettings.builder("tls-orders").build()))
				.push("tls-orders", "create", 1);
		}

		CliRun result = cli("--tls-ca-cert", this.tls.caCertificate().toString(), "--tls-cert",
				this.tls.clientCertificate().toString(), "--tls-key", this.tls.clientPrivateKey().toString(), "info",
				"tls-orders");

		assertThat(result.status()).as(result.err()).isZero();
		assertThat(result.out()).containsPattern("tls-orders\\s+1\\s+0\\s+0\\s+0\\s+0");
	}

	@Test
	void withoutAClientCertificateTheErrorSaysTheServerWantsOne() {
		CliRun result = cli("--tls-ca-cert", this.tls.caCertificate().toString(), "info", "tls-orders");

		assertThat(result.status()).isEqualTo(1);
		assertThat(result.err().lines().findFirst()).hasValueSatisfying((line) -> assertThat(line)
			.startsWith("error: ")
			.contains("Redis refused the TLS client certificate (mutual TLS, permanent): Received fatal alert: certificate_required"));
	}

	@Test
	void aClientCertificateWithoutItsKeyIsRefused() {
		CliRun result = cli("--tls-cert", this.tls.clientCertificate().toString(), "info", "tls-orders");

		assertThat(result.status()).isNotZero();
		assertThat(result.err()).contains("--tls-cert and --tls-key go together: give both or neither");
	}

	private CliRun cli(String... args) {
		return CliRun.of(this.server.uri(), args);
	}

}
