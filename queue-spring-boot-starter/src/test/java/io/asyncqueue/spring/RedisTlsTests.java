package io.asyncqueue.spring;

import java.time.Duration;
import java.util.stream.Stream;

import io.asyncqueue.core.PushResult;
import io.asyncqueue.core.RedisAccessDeniedException;
import io.asyncqueue.spring.TestJobs.CreateOrder;
import io.asyncqueue.spring.TestJobs.CreateOrderJob;
import io.asyncqueue.spring.TestJobs.Recorder;
import io.asyncqueue.spring.autoconfigure.AsyncQueueAutoConfiguration;
import io.asyncqueue.test.RedisServer;
import io.asyncqueue.test.RedisTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The starter over TLS against real redis-servers that speak only TLS, with certificates queue-test makes
 * for the run: Spring Boot's SSL bundles connect and a job runs end to end, with and without mutual TLS; a
 * certificate problem names itself in the first line of what the caller sees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTlsTests {

	/** Its certificate names {@code localhost} only, so that 127.0.0.1 is a host it does not name. */
	private RedisServer tls;

	private RedisServer mutualTls;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
				JacksonAutoConfiguration.class, AsyncQueueAutoConfiguration.class))
		.withBean(Recorder.class)
		.withBean(CreateOrderJob.class)
		.withPropertyValues("async-queue.queues.orders.channel=tls:orders", "async-queue.defaults.blocking-timeout=1s",
				"spring.data.redis.connect-timeout=5s");

	@BeforeAll
	void startRedisWithTls() {
		this.tls = RedisServer.builder().tls(true).tlsHostNames("localhost").build();
		this.mutualTls = RedisServer.builder().mutualTls(true).build();
	}

	@AfterAll
	void stopRedis() {
		this.tls.close();
		this.mutualTls.close();
	}

	@Test
	void aJobRunsOverTlsWithAnSslBundleThatTrustsTheServersCa() {
		connectingTo("localhost", this.tls, bundle(this.tls.tls()))
			.run((context) -> assertRunsAJob(context.getBean(QueueTemplate.class), context.getBean(Recorder.class)));
	}

	@Test
	void aJobRunsOverMutualTlsWithAClientCertificateInTheBundle() {
		connectingTo("127.0.0.1", this.mutualTls, bundle(this.mutualTls.tls(), this.mutualTls.tls()))
			.run((context) -> assertRunsAJob(context.getBean(QueueTemplate.class), context.getBean(Recorder.class)));
	}

	@Test
	void mutualTlsWithoutAClientCertificateSaysSoInTheFirstLine() {
		assertPushRefused(connectingTo("127.0.0.1", this.mutualTls, bundle(this.mutualTls.tls())),
				"Redis at rediss://127.0.0.1:" + this.mutualTls.port(),
				" refused the TLS connection: it requires a client certificate (mutual TLS) and got none: Received fatal "
						+ "alert: certificate_required; give the SSL bundle a key store");
	}

	@Test
	void mutualTlsWithAClientCertificateFromAnotherCaSaysSoInTheFirstLine() {
		assertPushRefused(connectingTo("127.0.0.1", this.mutualTls, bundle(this.mutualTls.tls(), this.tls.tls())),
				"Redis at rediss://127.0.0.1:" + this.mutualTls.port(),
				" refused the TLS connection: it does not accept this application's client certificate (mutual TLS): ");
	}

	@Test
	void anUntrustedCertificateSaysSoInTheFirstLine() {
		assertPushRefused(connectingTo("localhost", this.tls, "spring.data.redis.ssl.enabled=true"),
				"Redis at rediss://localhost:" + this.tls.port(),
				"presented a TLS certificate this application does not trust (a certificate problem): PKIX",
				"; trust its CA with an SSL bundle (spring.data.redis.ssl.bundle)");
	}

	@Test
	void aCertificateForAnotherHostSaysSoInTheFirstLine() {
		assertPushRefused(connectingTo("127.0.0.1", this.tls, bundle(this.tls.tls())),
				"Redis at rediss://127.0.0.1:" + this.tls.port(),
				"presented a TLS certificate that does not match the host name: ", "127.0.0.1");
	}

	private ApplicationContextRunner connectingTo(String host, RedisServer server, String... properties) {
		return this.runner
			.withPropertyValues("spring.data.redis.host=" + host, "spring.data.redis.port=" + server.port())
			.withPropertyValues(properties);
	}

	/** An SSL bundle that trusts the server's CA. */
	private static String[] bundle(RedisTls server) {
		return new String[] { "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + server.caCertificate(),
				"spring.data.redis.ssl.bundle=redis" };
	}

	/** An SSL bundle that trusts the server's CA and presents the client certificate of {@code client}. */
	private static String[] bundle(RedisTls server, RedisTls client) {
		return Stream.concat(Stream.of(bundle(server)),
				Stream.of("spring.ssl.bundle.pem.redis.keystore.certificate=file:" + client.clientCertificate(),
						"spring.ssl.bundle.pem.redis.keystore.private-key=file:" + client.clientPrivateKey()))
			.toArray(String[]::new);
	}

	/** A push fails for good, with a one-line message that starts with the server and names the problem. */
	private static void assertPushRefused(ApplicationContextRunner runner, String start, String... problem) {
		runner.withPropertyValues("async-queue.consumer.enabled=false")
			.run((context) -> assertThatExceptionOfType(RedisAccessDeniedException.class)
				.isThrownBy(() -> context.getBean(QueueTemplate.class).push(CreateOrderJob.class, new CreateOrder("t", 1)))
				.withMessageStartingWith(start)
				.withMessageNotContaining("\n")
				.satisfies((ex) -> assertThat(ex.getMessage()).contains(problem)));
	}

	private static void assertRunsAJob(QueueTemplate template, Recorder recorder) {
		PushResult pushed = template.push(CreateOrderJob.class, new CreateOrder("tls", 3));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> recorder.handled.stream().anyMatch((handled) -> handled.jobId().equals(pushed.id())));
		assertThat(recorder.handled).extracting((handled) -> handled.payload())
			.containsExactly(new CreateOrder("tls", 3));
	}

}
